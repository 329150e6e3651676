import { describe, expect, test } from '@jest/globals';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture, pidGone, runJest, type Fixture } from './harness.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

interface Report {
  file: string;
  worker: string;
  session: string;
  database?: string;
  env?: string;
  oldNames?: string[];
  url?: string;
  count?: number;
  owner?: string;
  firstInWorker?: boolean;
  rows?: number;
  keys?: number;
  ready?: string;
  run?: string;
}

/** The isolation fixture, with the clients its tests use linked in as a project would install them. */
function project(): Fixture {
  const f = fixture('isolation');
  symlinkSync(path.join(repo, 'node_modules/mysql2'), path.join(f.dir, 'node_modules/mysql2'));
  symlinkSync(path.join(repo, 'node_modules/@redis'), path.join(f.dir, 'node_modules/@redis'));
  return f;
}

const reported = (f: Fixture): Report[] =>
  readFileSync(f.out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Report);

// Real Jest runs on a project whose four test files each insert primary key 100 and write redis key
// "owner", then count while the others do the same; a fifth resets. Few runs: each costs seconds.
describe('a copy of mysql and redis per Jest worker', () => {
  test('test files in parallel workers do not see each other, and reset() restores the seed', async () => {
    const f = project();
    const jest = runJest(f, ['--maxWorkers=4']);
    const result = await jest;
    expect(result.all).toMatch(/Tests:\s+5 passed, 5 total/);
    expect(result.exitCode).toBe(0);
    const reports = reported(f);
    const collided = reports.filter((r) => r.file !== 'reset' && !r.firstInWorker);
    expect(collided).toHaveLength(4);
    for (const r of collided) {
      expect(r).toMatchObject({ count: 3, owner: r.file, database: `shop_w${r.worker}`, env: `shop_w${r.worker}` });
      expect(r.url).toMatch(new RegExp(`^redis://127\\.0\\.0\\.1:\\d+/${r.worker}$`));
      // The project's own setupFiles, copying them to its old names, saw the worker's too (they read the shared ones).
      expect(r.oldNames).toEqual([`shop_w${r.worker}`, r.url]);
    }
    // The point is parallel workers; Jest spread the files over more than one here.
    expect(new Set(collided.map((r) => r.worker)).size).toBeGreaterThan(1);
    // Each worker's first file, before any reset of its own, found the seed: 2 rows, redis' 1 key.
    const firsts = reports.filter((r) => r.firstInWorker);
    expect(firsts.length).toBeGreaterThan(1);
    for (const r of firsts) expect(r).toMatchObject({ rows: 2, keys: 1 });
    // Worker 1's copies were made by the global setup, before the run: its first file asked for none.
    const first = firsts.find((r) => r.worker === '1');
    expect(first?.ready?.split(':')).toEqual([first?.run, expect.any(String)]);
    expect(first?.ready?.split(':')[1]?.split(',').sort()).toEqual(['cache', 'db']);
    expect(reports.find((r) => r.file === 'reset' && !r.firstInWorker)).toMatchObject({ audits: 0, next: 1, keys: 1, greeting: 'hello' });
    expect(await pidGone(jest.pid!, 5000)).toBe(true);
  });

  test("the same files fail with isolation: 'shared' (today's behaviour): the test can fail", async () => {
    const f = project();
    const config = path.join(f.dir, 'sandpit.config.json');
    const services = JSON.parse(readFileSync(config, 'utf8')).services;
    for (const s of Object.values(services) as Record<string, unknown>[]) s.isolation = 'shared';
    writeFileSync(config, JSON.stringify({ services }));
    // reset() of a shared service says what it needs.
    writeFileSync(
      path.join(f.dir, 'e.test.js'),
      `const { reset } = require('sandpit-services/jest');\ntest('reset of a shared db', () => expect(reset('db')).rejects.toThrow(${JSON.stringify(
        `sandpit: reset("db") needs isolation: 'worker' (the default for mysql and redis): "db" is shared by all workers, so it keeps no seeded template to put back.`,
      )}));\n`,
    );
    const jest = runJest(f, ['--maxWorkers=4', '[a-e]\\.test\\.js$'], { FIXTURE_SHARED: '1' });
    const result = await jest;
    expect(result.exitCode).toBe(1);
    expect(result.all).toMatch(/Duplicate entry '100'/);
    expect(result.all).toMatch(/^PASS .*e\.test\.js/m);
    expect(await pidGone(jest.pid!, 5000)).toBe(true);
  });
});
