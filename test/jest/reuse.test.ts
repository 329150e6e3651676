import { describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { appendFileSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { containersWith, eventually } from '../helpers/engine.js';
import { fixture, runJest, type Fixture } from './harness.js';
import { CLAIM_STALE_MS, claim, markFile } from '../../lib/cleanup/reused.js';
import { removeContainer } from '../../lib/cleanup/remove.js';
import { LABEL } from '../../lib/cleanup/labels.js';
import mysql from 'mysql2/promise';
import { createClient } from '@redis/client';
import { holdOffPrunes } from '../helpers/prune-lock.js';

// Other files' prunes would take the idle warm containers this file hands back and takes over.
holdOffPrunes();

const repo = fileURLToPath(new URL('../..', import.meta.url));
const IDLE_MS = 15_000;

/** The isolation fixture with warm reuse on and a short idle time (or `idleMs`). */
function project(idleMs = IDLE_MS): Fixture {
  const f = fixture('isolation');
  symlinkSync(path.join(repo, 'node_modules/mysql2'), path.join(f.dir, 'node_modules/mysql2'));
  symlinkSync(path.join(repo, 'node_modules/@redis'), path.join(f.dir, 'node_modules/@redis'));
  const config = path.join(f.dir, 'sandpit.config.json');
  writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), reuse: { idleTimeout: idleMs } }));
  return f;
}

/** The containers (db, cache) the run's test files saw; every file of one run sees the same. */
function containersOf(out: string): string[] {
  const seen = lines(out);
  const sets = [...new Set(seen.flatMap((r) => (r.containers ? [r.containers.join(' ')] : [])))];
  expect(sets).toHaveLength(1);
  return sets[0]!.split(' ');
}

interface Reach { host: string; port: number; user: string; password: string; database: string }
const lines = (out: string) =>
  (existsSync(out) ? readFileSync(out, 'utf8') : '').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { worker?: string; containers?: string[]; reach?: Reach; url?: string; inserted?: string[]; firstInWorker?: boolean; rows?: number; keys?: number });

// SANDPIT_REUSE=force: the suite may run under CI, where reuse is otherwise ignored. The collide files
// insert primary key 100 and count: any row an earlier run left would fail them.
const run = (f: Fixture, out: string) =>
  runJest(f, ['--maxWorkers=2', '[a-d]\\.test\\.js$'], { SANDPIT_REUSE: 'force', FIXTURE_OUT: out, FIXTURE_HOLD: '300' });

describe('warm reuse across runs (reuse: true)', () => {
  const f = project();
  const seen = new Set<string>();

  test('a second run takes over the containers of the first, reset: none of its data shows', async () => {
    const first = await run(f, `${f.out}.1`);
    expect(first.exitCode).toBe(0);
    const before = containersOf(`${f.out}.1`);
    before.forEach((id) => seen.add(id));
    // Still running after the run: kept warm, labelled as such.
    expect(await containersWith('sandpit.reuse.claim')).toEqual(expect.arrayContaining(before.map((id) => id.slice(0, 12))));

    const second = await run(f, `${f.out}.2`);
    expect(second.all).toMatch(/ready in [\d.]+ s \(session [^)]*, reused: db, cache\)/);
    expect(second.exitCode).toBe(0);
    expect(containersOf(`${f.out}.2`)).toEqual(before);
    // The first file of each worker looked before any reset() of its own: only the seed was there,
    // though the first run left row 100 and key "owner" in those same worker databases.
    const firsts = lines(`${f.out}.2`).filter((r) => r.firstInWorker);
    expect(firsts.length).toBeGreaterThan(0);
    for (const r of firsts) expect(r).toMatchObject({ rows: 2, keys: 1 });
  });

  test('two runs at once never share a container', async () => {
    const [one, two] = await Promise.all([run(f, `${f.out}.3`), run(f, `${f.out}.4`)]);
    expect([one.exitCode, two.exitCode]).toEqual([0, 0]);
    const [a, b] = [containersOf(`${f.out}.3`), containersOf(`${f.out}.4`)];
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    [...a, ...b].forEach((id) => seen.add(id));
  });

  test('idle warm containers go away by themselves, with no sandpit process running', async () => {
    const left = async () => (await containersWith('sandpit.reuse')).filter((short) => [...seen].some((id) => id.startsWith(short)));
    expect((await left()).length).toBeGreaterThan(0);
    // Idle time, plus the stale time of a released lock's check and a poll: well within a minute.
    expect(await eventually(async () => (await left()).length === 0, IDLE_MS + 45_000, 1000)).toBe(true);
    // The resetters' notes on them went with them (at least one run handed a mysql back to one).
    expect([...seen].filter((id) => existsSync(markFile(id, 'clean')) || existsSync(markFile(id, 'resetting')))).toEqual([]);
  });

  test('a run killed with kill -9 mid-test: its services are reset before the next run takes them over', async () => {
    // A project of its own (one more line in its schema: another reuse key), so the only warm services
    // of its configuration are the ones this test makes. Idle for long enough not to be reaped while it
    // waits out the killed run's locks, however slow the runs before are (a loaded machine).
    const g = project(120_000);
    appendFileSync(path.join(g.dir, 'schema.sql'), '-- killed-run variant\n');
    const killed = runJest(g, ['--maxWorkers=2', '[a-d]\\.test\\.js$'], { SANDPIT_REUSE: 'force', FIXTURE_OUT: `${g.out}.k`, FIXTURE_HOLD: '60000', FIXTURE_SAY_INSERTED: '1' });
    expect(await eventually(async () => lines(`${g.out}.k`).some((r) => r.inserted), 90_000, 200)).toBe(true);
    const dirty = lines(`${g.out}.k`).find((r) => r.inserted)!.inserted!; // row 100 and key "owner" are in them now
    killed.kill('SIGKILL');
    await killed;
    const cleanup = new Set(dirty);
    try {
      // Its claims are not stale yet: a run now gets services of its own, and passes.
      const next = await run(g, `${g.out}.n`);
      expect(next.exitCode).toBe(0);
      const fresh = containersOf(`${g.out}.n`);
      expect(fresh.filter((id) => dirty.includes(id))).toEqual([]);
      fresh.forEach((id) => cleanup.add(id));
      await Promise.all(fresh.map((id) => removeContainer(id))); // leaves the killed run's as the only candidates
      // Once the dead run's claims are stale, the next run takes its services over, reset.
      await new Promise((resolve) => setTimeout(resolve, CLAIM_STALE_MS + 1000));
      const later = await run(g, `${g.out}.l`);
      expect(later.all).toMatch(/reused: db, cache/);
      expect(later.exitCode).toBe(0);
      expect(containersOf(`${g.out}.l`)).toEqual(dirty);
      // What each worker's first file found before its own reset(): the seed only, not row 100 and key
      // "owner" that the killed run left in those very databases.
      const firsts = lines(`${g.out}.l`).filter((r) => r.firstInWorker);
      expect(firsts.length).toBeGreaterThan(0);
      for (const r of firsts) expect(r).toMatchObject({ rows: 2, keys: 1 });
    } finally {
      await Promise.allSettled([...cleanup].map((id) => removeContainer(id)));
    }
  }, 180_000);
});

describe('a warm mysql and redis reset at hand-back (NODE_DEBUG=sandpit says which path a run took)', () => {
  const path_ = (clean: boolean) => (service: string) =>
    new RegExp(`${service}: ${clean ? 'as its reset at hand-back left it, taken as is' : 'no reset at hand-back stands'}`);
  const [TAKEN, RESET_NOW] = [path_(true), path_(false)];
  /**
   * `workers`: Jest runs files in band when earlier runs timed them all under 1 s, whatever --maxWorkers
   * says; a memory limit is its documented way to insist on workers (this one is never reached).
   */
  const debugRun = (f: Fixture, out: string, { holdMs = 300, workers = false } = {}) =>
    runJest(f, ['--maxWorkers=2', ...(workers ? ['--workerIdleMemoryLimit=4GB'] : []), '[a-d]\\.test\\.js$'], {
      SANDPIT_REUSE: 'force',
      FIXTURE_OUT: out,
      FIXTURE_HOLD: String(holdMs),
      NODE_DEBUG: 'sandpit',
    });
  /** The resetter the run spawned has left its marks: the servers are clean, and nothing has connected since. */
  const resetDone = (ids: string[]) =>
    eventually(async () => ids.every((id) => existsSync(markFile(id, 'clean')) && !existsSync(markFile(id, 'resetting'))), 30_000, 50);
  /** Worker 1's database and redis database, as the run's tests reached them. */
  const worker1 = (out: string) => lines(out).find((r) => r.worker === '1' && r.reach)!;
  const seedOnly = (out: string) => {
    const firsts = lines(out).filter((r) => r.firstInWorker);
    expect(firsts.length).toBeGreaterThan(0);
    for (const r of firsts) expect(r).toMatchObject({ rows: 2, keys: 1, audits: 0, mainAudits: 0 });
  };
  // No reconnection: a reconnected client is a new connection, which the next run sees (the intruder case).
  const redisAt = async (url: string) => {
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    return client.connect();
  };

  test('taken as is when untouched; reset at takeover after any connection since, or a write on a connection open before', async () => {
    const f = project();
    appendFileSync(path.join(f.dir, 'schema.sql'), '-- reset-at-hand-back variant\n');
    const outs = [1, 2, 3, 4].map((n) => `${f.out}.h${n}`);
    let ids: string[] = [];
    const opened: { close(): unknown }[] = [];
    try {
      expect((await debugRun(f, outs[0]!)).exitCode).toBe(0);
      ids = containersOf(outs[0]!);
      expect(await resetDone(ids)).toBe(true);

      // Nothing touched them since their resetter: the next run takes them without a reset, and sees only the seed.
      const second = await debugRun(f, outs[1]!);
      expect(second.all).toMatch(TAKEN('db'));
      expect(second.all).toMatch(TAKEN('cache'));
      expect(second.exitCode).toBe(0);
      expect(containersOf(outs[1]!)).toEqual(ids);
      seedOnly(outs[1]!);
      expect(await resetDone(ids)).toBe(true);

      // A client connects after the reset (a GUI, a script) and writes: the next run must reset.
      const { reach, url } = worker1(outs[1]!);
      const held = await mysql.createConnection(reach!); // stays open, idle, over the next run
      const heldRedis = await redisAt(url!);
      opened.push({ close: () => held.destroy() }, { close: () => heldRedis.destroy() });
      const intruder = await mysql.createConnection(reach!);
      await intruder.query("INSERT INTO items VALUES (100, 'written between runs')");
      await intruder.end();
      const redisIntruder = await redisAt(url!);
      await redisIntruder.set('owner', 'written between runs');
      redisIntruder.destroy();
      // Two workers, each with a file (a worker that gets none never looks), however late the second
      // starts: CI runs failed here twice, once with the run in band (the 300 ms files of the runs before).
      const thirdRun = debugRun(f, outs[2]!, { holdMs: 1500, workers: true });
      // Once its tests run (its takeover reset done), the connection kept open writes without a pause, in
      // the global setup's database and worker 1's, through the run's end and the resetter's work, until
      // the resetter ends it: no write of it may outlive that reset. (It starts once both workers have looked.)
      let over = false;
      void thirdRun.finally(() => (over = true));
      const looked = () => lines(outs[2]!).filter((r) => r.firstInWorker).length >= 2;
      expect(await eventually(async () => over || looked(), 60_000, 20)).toBe(true);
      // Ended first: its output says why (a failed takeover, or one worker that took every file).
      if (!looked()) throw new Error(`both workers of the third run should have looked before it ended; it printed:\n${(await thirdRun).all}`);
      const main = reach!.database.replace(/_w\d+$/, '');
      const racing = (async () => {
        for (let n = 0; ; n++) {
          try {
            await held.query(`INSERT INTO \`${main}\`.audit (item) VALUES (?)`, [n]);
            await held.query('INSERT INTO audit (item) VALUES (?)', [n]);
          } catch {
            return n;
          }
        }
      })();
      const third = await thirdRun;
      expect(third.all).toMatch(RESET_NOW('db'));
      expect(third.all).toMatch(RESET_NOW('cache'));
      expect(third.exitCode).toBe(0);
      seedOnly(outs[2]!);
      expect(await racing).toBeGreaterThan(0); // it wrote, then its connection was ended
      expect(await resetDone(ids)).toBe(true);

      // The redis client opened before that reset was ended by it too: it cannot write behind the next run's back.
      await expect(heldRedis.set('owner', 'written on an old connection')).rejects.toThrow();
      const fourth = await debugRun(f, outs[3]!);
      expect(fourth.all).toMatch(TAKEN('db'));
      expect(fourth.all).toMatch(TAKEN('cache'));
      expect(fourth.exitCode).toBe(0);
      seedOnly(outs[3]!);
    } finally {
      opened.forEach((c) => c.close());
      await Promise.allSettled(ids.map((id) => removeContainer(id)));
    }
  }, 180_000);

  test("a warm redis whose template a test emptied is started anew, its seed from its scripts, not from what tests left in database 0", async () => {
    const f = project();
    appendFileSync(path.join(f.dir, 'schema.sql'), '-- emptied-template variant\n');
    const outs = [1, 2].map((n) => `${f.out}.t${n}`);
    let ids: string[] = [];
    let second: string[] = [];
    try {
      expect((await debugRun(f, outs[0]!)).exitCode).toBe(0);
      ids = containersOf(outs[0]!);
      expect(await resetDone(ids)).toBe(true);
      // As a test that cleans up with FLUSHDB in every database (FLUSHALL is refused) would, then writes in 0.
      const cli = (...args: string[]) => execa('docker', ['exec', ids[1]!, 'redis-cli', ...args]);
      expect((await cli('-n', '15', 'FLUSHDB')).stdout).toBe('OK');
      expect((await cli('-n', '0', 'SET', 'left', 'by-a-test')).stdout).toBe('OK');
      const run2 = await debugRun(f, outs[1]!);
      // It failed "could not prepare the copies per worker", or, before that, took database 0 as the seed.
      expect(run2.exitCode).toBe(0);
      seedOnly(outs[1]!);
      second = containersOf(outs[1]!);
      expect(second[0]).toBe(ids[0]); // the mysql taken over as before
      expect(second[1]).not.toBe(ids[1]);
      expect(await containersWith(`sandpit.reuse`)).not.toContain(ids[1]!.slice(0, 12));
    } finally {
      await Promise.allSettled([...ids, ...second].map((id) => removeContainer(id)));
    }
  }, 180_000);

  test('a restarted server numbers its connections anew: taken over after a reset, whatever ids it gives', async () => {
    const f = project();
    appendFileSync(path.join(f.dir, 'schema.sql'), '-- restart variant\n');
    const outs = [1, 2].map((n) => `${f.out}.r${n}`);
    let ids: string[] = [];
    try {
      expect((await debugRun(f, outs[0]!)).exitCode).toBe(0);
      ids = containersOf(outs[0]!);
      expect(await resetDone(ids)).toBe(true);
      const { nextConnection } = JSON.parse(readFileSync(markFile(ids[0]!, 'clean'), 'utf8')) as { nextConnection: number };
      const { reach } = worker1(outs[0]!);
      // Held as a run holds it: the reaper removes a warm container it sees stopped and unheld, which a
      // restart's stop phase is (a full CI run failed here with the container half removed).
      const token = (await execa('docker', ['inspect', ids[0]!, '--format', `{{ index .Config.Labels "${LABEL.claim}" }}`])).stdout.trim();
      const release = await claim(token || ids[0]!);
      expect(release).toBeDefined();
      try {
        await execa('docker', ['restart', ids[0]!]);
        // A new host port too (the engine picks one at each start).
        const { stdout } = await execa('docker', ['port', ids[0]!, '3306/tcp']);
        // A restarted server has an empty password cache: mysql2 (≥ 3.26) may fetch its RSA key only when told.
        const at = { ...reach!, port: Number(stdout.split('\n')[0]!.split(':').at(-1)), allowPublicKeyRetrieval: true };
        const up = () => mysql.createConnection(at).then((c) => c.end().then(() => true), () => false);
        expect(await eventually(up, 60_000, 200)).toBe(true);
        // Connections until the next one would take the very id the resetter noted; the last of them writes.
        for (let id = 0; id < nextConnection - 1; ) {
          const connection = await mysql.createConnection(at);
          id = connection.threadId!;
          if (id === nextConnection - 1) await connection.query("INSERT INTO items VALUES (100, 'after a restart')");
          await connection.end();
        }
      } finally {
        await release?.();
      }
      const second = await debugRun(f, outs[1]!);
      expect(second.all).toMatch(RESET_NOW('db'));
      expect(second.exitCode).toBe(0);
      seedOnly(outs[1]!);
    } finally {
      await Promise.allSettled(ids.map((id) => removeContainer(id)));
    }
  }, 180_000);
});
