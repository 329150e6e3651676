import { expect, test } from '@jest/globals';
import { start } from '../../lib/index.js';
import { presetImage } from '../helpers/images.js';

// An app container started beside its database reached it at `url` (127.0.0.1: itself there, "Connection
// refused", as the README's own example did); `internal` is the address other containers on the engine use.
test("a container started beside a service reaches it at service.internal, as its url could not", async () => {
  await using cache = await start({ preset: 'redis' });
  await using db = await start({ preset: 'mysql', database: 'shop' });
  expect(cache.internal).toEqual({ host: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/), port: 6379, url: `redis://${cache.internal!.host}:6379` });
  expect(db.internal?.url).toBe(`mysql://${db.user}:${db.password}@${db.internal!.host}:3306/shop`);
  // The app: redis' own image for its redis-cli, told where the service is only through its env, as an app is.
  await using app = await start({ image: await presetImage('redis'), name: 'app', command: ['sleep', 'infinity'], env: { REDIS_URL: cache.internal!.url, LOOPBACK_URL: cache.url } });
  // A string goes through sh -c, as the Jest and Vitest exec() take it (it was a TypeError here).
  const ping = (variable: string) => app.exec(`redis-cli -u "$${variable}" ping`);
  expect((await ping('REDIS_URL')).stdout.trim()).toBe('PONG');
  expect((await ping('LOOPBACK_URL')).stdout + (await ping('LOOPBACK_URL')).stderr).toMatch(/Connection refused/);
});
