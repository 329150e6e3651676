import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createClient } from '@redis/client';
import { execa } from 'execa';
import { start, type Service } from '../../lib/index.js';
import { buildOffline, offlineTag } from '../../lib/images/offline.js';
import { present } from '../../lib/images/present.js';
import { resolveImage, type ImageProgress } from '../../lib/images/resolve.js';
import { presets } from '../../lib/presets/index.js';
import { inspect } from '../helpers/engine.js';

/**
 * The path users with a registry take: the preset's image is pulled. No registry is reachable from
 * this machine, so one runs here: Debian's docker-registry on loopback (the engine trusts
 * 127.0.0.0/8 without TLS), holding the offline redis image under an official-style name.
 */
const registryImage = {
  dockerfile: `FROM {{base}}
RUN apt-get update && apt-get install -y --no-install-recommends docker-registry \\
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
COPY config.yml /etc/docker/registry/config.yml
EXPOSE 5000
CMD ["/usr/bin/docker-registry", "serve", "/etc/docker/registry/config.yml"]
`,
  // Debian's own config asks for htpasswd auth; a test registry on loopback needs none.
  files: {
    'config.yml': `version: 0.1
storage:
  filesystem:
    rootdirectory: /var/lib/docker-registry
http:
  addr: :5000
`,
  },
};

let registry: Service;
let official: string;

const removeLocal = (image: string) => execa('docker', ['rmi', '-f', image], { reject: false });

beforeAll(async () => {
  registry = await start({ name: 'registry', image: await buildOffline('registry', registryImage), ports: [5000], ready: { http: '/v2/' } });
  official = `${registry.host}:${registry.port}/library/redis:8.0`;
  await execa('docker', ['tag', await buildOffline('redis', presets.redis.offline), official]);
  await execa('docker', ['push', official]);
  await removeLocal(official);
}, 300_000);

afterAll(async () => {
  await removeLocal(official);
  await registry?.stop();
});

describe('preset images from a registry', () => {
  test("a preset's image that a registry has is pulled, and nothing is built", async () => {
    const neverBuilt = { dockerfile: 'FROM {{base}}\nLABEL sandpit.test=never-built\n' };
    const events: ImageProgress[] = [];
    try {
      const resolved = await resolveImage({ name: 'redis', image: official, offline: neverBuilt }, undefined, (e) => events.push(e));
      expect(resolved).toEqual({ image: official, source: 'pulled' });
      expect(events).toEqual([{ stage: 'pull', message: `pulling ${official}` }]);
      expect(await present(official)).toBe(true);
      expect(await present(offlineTag('redis', neverBuilt))).toBe(false);
    } finally {
      await removeLocal(official);
    }
  });

  test('start() pulls the image it was given and the service answers at once', async () => {
    const stages: string[] = [];
    try {
      await using redis = await start({ preset: 'redis', image: official, password: 'pw', onProgress: (e) => stages.push(e.message) });
      expect(stages).toContain(`pulling ${official}`);
      expect((await inspect(redis.containerId)).Config.Image).toBe(official);
      const client = await createClient({ url: redis.url }).connect();
      expect(await client.ping()).toBe('PONG');
      client.destroy();
    } finally {
      await removeLocal(official);
    }
  });
});
