import { describe, expect, test } from '@jest/globals';
import { startAll } from '../../lib/service/group.js';
import { sessionId } from '../../lib/cleanup/labels.js';
import { SandpitError, startAll as publicStartAll } from '../../lib/index.js';
import { containersWith, inspect } from '../helpers/engine.js';

describe('startAll (what `sandpit up` and the Jest preset use)', () => {
  test('a group where the third of four fails leaves nothing behind', async () => {
    const error = await startAll([
      'redis',
      'httpd',
      { preset: 'mysql', image: 'sandpit-test/no-such-image:1' },
      'ubuntu',
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandpitError);
    expect((error as SandpitError).code).toBe('IMAGE_UNAVAILABLE');
    expect(await containersWith(`sandpit.session=${sessionId}`)).toEqual([]);
  });

  test('from the package: each service typed as start() types it, and `await using` of the group stops every one', async () => {
    let ids: string[] = [];
    {
      await using group = await publicStartAll(['redis', { preset: 'httpd', name: 'site' }] as const);
      const [cache, site] = group;
      const password: string | undefined = cache.password; // a RedisService, as start('redis') gives
      expect(password).toBeUndefined();
      expect(site.name).toBe('site');
      ids = group.map((s) => s.containerId);
      expect((await containersWith(`sandpit.session=${sessionId}`)).sort()).toEqual(ids.map((id) => id.slice(0, 12)).sort());
    }
    expect(await Promise.all(ids.map((id) => containersWith(`sandpit.session=${sessionId}`).then((all) => all.includes(id.slice(0, 12)))))).toEqual([false, false]);
  });

  test('a slow-booting preset (mysql) goes first: the others are created once its container runs', async () => {
    const events: string[] = [];
    const [cache, db] = await startAll([
      { preset: 'redis', name: 'cache' },
      { preset: 'mysql', name: 'db', onProgress: (e) => events.push(e.stage) },
    ]);
    try {
      const [redisCreated, mysqlStarted] = await Promise.all([
        inspect(cache!.containerId).then((c) => Date.parse(c.Created)),
        inspect(db!.containerId).then((c) => Date.parse(c.State.StartedAt)),
      ]);
      expect(redisCreated).toBeGreaterThan(mysqlStarted);
      expect(events).toContain('ready'); // the caller's own progress still arrives
    } finally {
      await Promise.all([cache?.stop(), db?.stop()]);
    }
  });

  test('two services with one name are refused before anything starts', async () => {
    await expect(startAll(['redis', { preset: 'redis' }])).rejects.toThrow('Two services are named "redis"');
  });
});
