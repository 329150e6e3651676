import { describe, expect, test } from '@jest/globals';
import { createConnection } from 'mysql2/promise';
import { createClient } from '@redis/client';
import { start } from '../../lib/index.js';

// Ten starts of each preset in CI (twenty took 80 s of a run's 525 s of test files); a readiness check that
// lets the first use through early, on a loaded machine, may need more to show: SANDPIT_FIRST_USE_RUNS=50.
const RUNS = Number(process.env.SANDPIT_FIRST_USE_RUNS ?? 10);

/** Right after start() resolves, the first real use must succeed: no retry, no sleep. */
const firstUse = {
  redis: async () => {
    await using redis = await start('redis');
    const client = createClient({ url: redis.url, socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    await client.connect();
    await client.set('k', 'v');
    const value = await client.get('k');
    client.destroy();
    return value === 'v';
  },
  httpd: async () => {
    await using site = await start('httpd');
    return (await fetch(site.url)).status === 200;
  },
  mysql: async () => {
    await using db = await start({ preset: 'mysql', initScripts: ['CREATE TABLE t (id INT)'] });
    const connection = await createConnection(db.url);
    const [rows] = await connection.query('SELECT COUNT(*) AS n FROM t');
    await connection.end();
    return (rows as { n: number }[])[0]?.n === 0;
  },
  // No init scripts: the readiness check is the server's greeting alone; the app user must work at once.
  'mysql as the app user': async () => {
    await using db = await start({ preset: 'mysql', password: 'app pw' });
    const connection = await createConnection(db.url);
    const [rows] = await connection.query('SELECT CURRENT_USER() AS u');
    await connection.end();
    return (rows as { u: string }[])[0]?.u === 'test@%';
  },
  ubuntu: async () => {
    await using box = await start('ubuntu');
    return (await box.exec(['echo', 'ok'])).stdout === 'ok\n';
  },
};

describe(`first real use right after start() (${RUNS} starts each)`, () => {
  test.each(Object.keys(firstUse) as (keyof typeof firstUse)[])('%s', async (preset) => {
    const failures: string[] = [];
    // mysql now initialises its data directory on every start (10-20 s here): five greeting-only starts, not twenty.
    const runs = preset === 'mysql as the app user' ? Math.min(RUNS, 5) : RUNS;
    for (let i = 0; i < runs; i++) {
      const ok = await firstUse[preset]().catch((error: unknown) => String(error));
      if (ok !== true) failures.push(`run ${i}: ${ok}`);
      // A broken start fails every run alike; twenty of them only make a broken CI slow.
      if (failures.length === 3) break;
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
