import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import isolation from '../lib/isolation/index.cjs';
import type { MysqlIsolation, RedisIsolation } from '../lib/isolation/types.js';
import { start } from '../lib/index.js';
import { removeContainer } from '../lib/cleanup/remove.js';
import type { Row } from './row.js';
import { seedSql } from './seed-schema.js';
import { step } from './deadline.js';
import { installHere, removedFor } from './runners.js';
import { alternate, measure, ratio } from './stats.js';
import { benchFolder } from './temp.js';

const timed = async (work: () => Promise<unknown>): Promise<number> => {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
};

/**
 * Copies per worker: preparing a worker's mysql database (20 tables, ~1 MB of seed), reset() of mysql
 * (a test changed a few tables) and redis, measured on the core the test runners call.
 */
export async function isolationCases(runs: number, log: (line: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  log('isolation: mysql with 20 tables and ~1 MB of seed');
  await using db = await start({ preset: 'mysql', database: 'shop', initScripts: [seedSql()] });
  const mysql: MysqlIsolation = { preset: 'mysql', host: db.host, port: db.port, database: 'shop', user: db.user, rootPassword: db.rootPassword };
  await isolation.prepareMain(mysql);
  let worker = 0;
  const prepare = await measure(runs, () => timed(() => isolation.prepareWorker(mysql, ++worker)));
  rows.push({ case: 'worker database: prepare (20 tables, 1 MB seed)', sandpit: prepare, ratios: {}, target: '≤ 300 ms' });

  const connection = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: isolation.workerDatabase('shop', 1) });
  try {
    const dirty = async () => {
      await connection.query("INSERT INTO t1 (name, body, n) VALUES ('new', 'row', 1)"); // t1 has a trigger into audit
      await connection.query('DELETE FROM t2 WHERE id <= 10');
      await connection.query("UPDATE t3 SET name = 'changed' WHERE id = 1");
    };
    const clean = await measure(runs, () => timed(() => isolation.resetWorker(mysql, 1)));
    const changed = await measure(runs, async () => {
      await dirty();
      return timed(() => isolation.resetWorker(mysql, 1));
    });
    rows.push({ case: 'reset(): mysql, 3 of 20 tables changed', sandpit: changed, raw: clean, ratios: { 'nothing changed (baseline col.)': clean.median }, target: '≤ 150 ms' });
  } finally {
    await connection.end();
  }

  log('isolation: redis reset of one worker database');
  // A seed of 100 keys (an init script), the template made from it; each sample's test wrote 100 keys.
  const seed = Array.from({ length: 100 }, (_, i) => `SET seed:${i} value`).join('\n');
  await using cache = await start({ preset: 'redis', initScripts: [seed] });
  const redis: RedisIsolation = { preset: 'redis', host: cache.host, port: cache.port, databases: 16 };
  await isolation.prepareMain(redis);
  const keys = Array.from({ length: 100 }, (_, i) => ['SET', `key:${i}`, 'value']);
  const flush = await measure(runs, async () => {
    await cache.exec(['sh', '-c', `printf '%s\\n' 'SELECT 1' ${keys.map((k) => `'${k.join(' ')}'`).join(' ')} | redis-cli > /dev/null`]);
    return timed(() => isolation.resetWorker(redis, 1));
  });
  const after = await cache.exec(['redis-cli', '-n', '1', 'DBSIZE']);
  if (after.stdout.trim() !== '100') throw new Error(`redis reset left ${after.stdout.trim()} keys in the worker's database, not the 100 seeded`);
  rows.push({ case: 'reset(): redis, 100 seeded keys back, 100 written gone', sandpit: flush, ratios: {}, target: '≤ 20 ms' });
  return rows;
}

/** A Jest run (one trivial test) with four services taken over from the previous run, vs started fresh, vs none. */
export async function reuseCase(root: string, runs: number, log: (line: string) => void): Promise<Row> {
  log('Jest: four reused services vs four fresh vs none');
  const project = benchFolder('reuse-');
  mkdirSync(path.join(project, 'public'));
  writeFileSync(path.join(project, 'public/index.html'), 'hi\n');
  installHere(project, root); // `preset: 'sandpit-services'`, resolved as in a project that installed it
  const seen = path.join(project, 'containers.txt');
  writeFileSync(
    path.join(project, 'trivial.test.js'),
    `require('node:fs').appendFileSync(${JSON.stringify(seen)}, ['CACHE', 'DB', 'SITE', 'BOX'].map((s) => process.env['SANDPIT_' + s + '_CONTAINER_ID'] || '').join('\\n') + '\\n');
test('runs', () => expect(1).toBe(1));\n`,
  );
  writeFileSync(
    path.join(project, 'sandpit.config.json'),
    JSON.stringify({ reuse: { idleTimeout: 120_000 }, services: { cache: { preset: 'redis' }, db: { preset: 'mysql' }, site: { preset: 'httpd', root: './public' }, box: { preset: 'ubuntu' } } }),
  );
  const jest = path.join(root, 'node_modules/jest/bin/jest.js');
  const run = (preset: boolean, reuse: string) => async () => {
    writeFileSync(path.join(project, 'jest.config.cjs'), `module.exports = ${JSON.stringify(preset ? { preset: 'sandpit-services' } : {})};\n`);
    const t0 = performance.now();
    const jestRun = execa('node', [jest, '--rootDir', project, '--ci'], { cwd: project, env: { SANDPIT_REUSE: reuse } });
    await step('a Jest run', () => jestRun);
    const took = performance.now() - t0;
    await removedFor(jestRun.pid); // a fresh run's containers go beside its exit: not into the next sample
    return took;
  };
  const few = Math.min(runs, 5);
  try {
    const fresh = await measure(few, run(true, '0'));
    // Alternated (after a warm-up of each), so that both see the machine and Jest's cache alike:
    // measured one after the other, the runs with no services paid for a cold cache.
    const [none, reused] = await alternate(few, run(false, '0'), run(true, 'force'));
    return {
      case: 'Jest run: 4 reused services vs none (fresh in baseline col.: ' + `${fresh.median} ms)`,
      sandpit: reused,
      raw: none,
      ratios: { 'added ms': reused.median - none.median, 'reused÷fresh': ratio(reused.median, fresh.median) },
      target: '≤ +150 ms',
    };
  } finally {
    const ids = new Set(readFileSync(seen, 'utf8').split('\n').filter(Boolean));
    await Promise.allSettled([...ids].map((id) => removeContainer(id)));
  }
}
