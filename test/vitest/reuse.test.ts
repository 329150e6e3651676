import { describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeContainer } from '../../lib/cleanup/remove.js';
import { CLAIMS_DIR, markFile } from '../../lib/cleanup/reused.js';
import { eventually, inspect } from '../helpers/engine.js';
import { allGone, fixture, pidContainers, reports, runVitest } from './harness.js';
import { holdOffPrunes } from '../helpers/prune-lock.js';

// Other files' prunes would take the idle warm containers this file hands back and takes over.
holdOffPrunes();

// Warm reuse under Vitest: the same code as under Jest (lib/runner), through Vitest's global setup,
// which prepares every worker's copy before any worker exists.
describe('Vitest with warm reuse (reuse: true)', () => {
  test("a second run takes over the first run's redis, reset, and a box replaced since: nothing the first left shows", async () => {
    const f = fixture('basic');
    // A seed key and a mount unique to this fixture: no other project's warm services share this configuration.
    const config = {
      reuse: { idleTimeout: 60_000 },
      services: { cache: { preset: 'redis', initScripts: [`SET fixture ${JSON.stringify(f.dir)}`] }, box: { preset: 'ubuntu', mount: f.dir } },
    };
    writeFileSync(path.join(f.dir, 'sandpit.config.json'), JSON.stringify(config));
    // SANDPIT_REUSE=force: this suite may run under CI, where reuse is otherwise ignored.
    const run = () => runVitest(f, ['run', 'a.test.js'], { SANDPIT_REUSE: 'force', FIXTURE_LEAVE: '1', FIXTURE_SEED_KEYS: '1', NODE_DEBUG: 'sandpit' });
    // The resetter a run hands redis to has left its mark (lib/reuse/clean-mark.ts): done, nothing connected since.
    const resetDone = (id: string) => eventually(async () => existsSync(markFile(id, 'clean')) && !existsSync(markFile(id, 'resetting')), 30_000, 50);
    const ids = new Set<string>();
    // The fixture's test execs in the box: at each run's end a refresher replaces it in the background.
    // The box containers of this fixture (its mount is unique), with whether a process holds them now.
    const boxes = async () => {
      const { stdout } = await execa('docker', ['ps', '-aq', '--filter', 'label=sandpit.reuse', '--filter', 'label=sandpit.name=box']);
      // One may go between the list and its inspect (the refresher removes the changed box).
      const found = await Promise.all(stdout.split('\n').filter(Boolean).map((id) => inspect(id).catch(() => undefined)));
      return found
        .filter((c) => c !== undefined)
        .filter((c) => c.Mounts.some((m: { Source: string }) => m.Source === f.dir))
        .map((c) => ({ id: c.Id as string, held: existsSync(path.join(CLAIMS_DIR, `sandpit-reuse-${c.Config.Labels['sandpit.reuse.claim']}.lock`)) }));
    };
    const refreshed = (changed: string) =>
      eventually(async () => {
        const now = await boxes();
        return now.length === 1 && now[0]!.id !== changed && !now[0]!.held;
      }, 60_000);
    try {
      const first = await run();
      const [one] = reports(f);
      [one?.cache, one?.box].forEach((id) => id && ids.add(id));
      expect(first.exitCode).toBe(0);
      // The first run left a key in its worker's database, which its resetter removed (reset at hand-back):
      // written again from inside the container after that, it must not show in the next run either.
      expect(await resetDone(one!.cache!)).toBe(true);
      await execa('docker', ['exec', one!.cache, 'redis-cli', '-n', one!.pool, 'set', 'left', 'behind']);
      expect(await refreshed(one!.box)).toBe(true);

      const second = await run();
      const [, two] = reports(f);
      [two?.cache, two?.box].forEach((id) => id && ids.add(id));
      // The refresher's box is taken over, unless the engine's event history was flooded meanwhile (another
      // suite does that on purpose): then this run starts its own. Either way not the first run's.
      expect(second.all).toMatch(/ready in [\d.]+ s \(session [^)]*, reused: cache(, box\)|, new: box \(an earlier run ran or copied something in it\)\))/);
      expect(second.all).toMatch(/cache: no reset at hand-back stands/);
      expect(second.exitCode).toBe(0);
      // Only the seed's one key: not the key the first run left in this very database.
      expect(one!.atStart).toBe('1');
      expect(two).toMatchObject({ cache: one!.cache, pool: one!.pool, atStart: '1' });
      // Not the box the first run's test had exec'd in: the refresher's.
      expect(two!.box).not.toBe(one!.box);
      expect(await refreshed(two!.box)).toBe(true);

      // Nothing in between this time: the third run takes redis as its resetter left it, the seed only.
      expect(await resetDone(one!.cache!)).toBe(true);
      const third = await run();
      const [, , three] = reports(f);
      [three?.cache, three?.box].forEach((id) => id && ids.add(id));
      expect(third.all).toMatch(/cache: as its reset at hand-back left it, taken as is/);
      expect(third.exitCode).toBe(0);
      expect(three).toMatchObject({ cache: one!.cache, atStart: '1' });
    } finally {
      await Promise.allSettled([...ids, ...(await boxes()).map((c) => c.id)].map((id) => removeContainer(id)));
    }
  });
});

// In this file: its warm box sits idle after the run, which other files' prunes would take (holdOffPrunes).
describe('a setup command (a migration tool) in the config', () => {
  // What a migration tool does, with no dependency: writes to the service over its own protocol, at SANDPIT_CACHE_*.
  const SETUP = `import net from 'node:net';
const socket = net.connect(Number(process.env.SANDPIT_CACHE_PORT), process.env.SANDPIT_CACHE_HOST);
socket.on('connect', () => socket.write('*3\\r\\n$3\\r\\nSET\\r\\n$8\\r\\ngreeting\\r\\n$10\\r\\nfrom-setup\\r\\n'));
socket.on('data', (reply) => { console.log('migrated'); process.exitCode = String(reply).startsWith('+OK') ? 0 : 1; socket.end(); });
`;
  test("runs once the service is ready and before the workers' copies are made: every worker's copy holds what it did", async () => {
    const f = fixture('basic');
    writeFileSync(path.join(f.dir, 'setup.mjs'), SETUP);
    writeFileSync(path.join(f.dir, 'sandpit.config.json'), JSON.stringify({ reuse: { idleTimeout: 60_000 }, services: { cache: { preset: 'redis', setup: 'node setup.mjs' }, box: { preset: 'ubuntu', mount: f.dir } } }));
    // Warm reuse on (and under CI too): the box is kept warm, the service with a setup is not.
    const vitest = runVitest(f, ['run', '--maxWorkers=2'], { FIXTURE_SEED_KEYS: '1', SANDPIT_REUSE: 'force' });
    const result = await vitest;
    const warm = async () => (await execa('docker', ['ps', '-aq', '--no-trunc', '--filter', `label=sandpit.reuse.project=${path.join(f.dir, 'sandpit.config.json')}`])).stdout.split('\n').filter(Boolean);
    try {
      expect(result.exitCode).toBe(0);
      const seen = reports(f);
      expect(seen.length).toBeGreaterThan(1);
      for (const r of seen) expect(r.greeting).toBe('from-setup');
      // Its work is in no snapshot or reset: that service starts anew each run, and says so; the others stay warm.
      expect(result.all).toContain('sandpit: cache has a setup command: it starts anew each run, not kept warm');
      expect(await allGone(seen[0]!.session, 15_000)).toBe(true);
      // The box stays warm (or its refresher's replacement, which may be between its steps now: the test exec'd in
      // it); the cache is not kept.
      expect(await eventually(async () => (await warm()).length > 0, 30_000)).toBe(true);
      expect(await warm()).not.toContain(seen[0]!.cache);
      // The refresher's replacement of the box is this config file's too (it had no such label, so a later edit's
      // clean-up, `ls` and `down` missed it, and this wait ran out its 30 s).
      expect(await eventually(async () => (await warm()).some((id) => id !== seen[0]!.box), 30_000)).toBe(true);
    } finally {
      // The fixture's test execs in the box: a refresher replaces it once the run is over. Its replacement, then all.
      const box = reports(f)[0]?.box;
      if (box) await eventually(async () => (await warm()).some((id) => id !== box), 30_000);
      await Promise.all((await warm()).map((id) => removeContainer(id)));
      expect(await warm()).toEqual([]);
    }
  });

  test('in watch mode with warm reuse, an edited setup command starts its service anew and runs the new one; the warm box is kept', async () => {
    const f = fixture('basic');
    // The value to set is the command's argument: an edit of the command is an edit of what it does.
    writeFileSync(path.join(f.dir, 'setup.mjs'), `import net from 'node:net';
const value = process.argv[2];
const socket = net.connect(Number(process.env.SANDPIT_CACHE_PORT), process.env.SANDPIT_CACHE_HOST);
socket.on('connect', () => socket.write(\`*3\\r\\n$3\\r\\nSET\\r\\n$8\\r\\ngreeting\\r\\n$\${value.length}\\r\\n\${value}\\r\\n\`));
socket.on('data', (reply) => { process.exitCode = String(reply).startsWith('+OK') ? 0 : 1; socket.end(); });
`);
    const config = (value: string) => JSON.stringify({ reuse: { idleTimeout: 60_000 }, services: { cache: { preset: 'redis', setup: `node setup.mjs ${value}` }, box: { preset: 'ubuntu' } } });
    writeFileSync(path.join(f.dir, 'sandpit.config.json'), config('v1'));
    const vitest = runVitest(f, ['--watch', 'a.test'], { FIXTURE_SEED_KEYS: '1', SANDPIT_REUSE: 'force' }, true);
    const warm = async () => (await execa('docker', ['ps', '-aq', '--no-trunc', '--filter', `label=sandpit.reuse.project=${path.join(f.dir, 'sandpit.config.json')}`])).stdout.split('\n').filter(Boolean);
    try {
      expect(await eventually(async () => reports(f).length === 1, 60_000)).toBe(true);
      expect(reports(f)[0]).toMatchObject({ greeting: 'v1' });
      writeFileSync(path.join(f.dir, 'sandpit.config.json'), config('v2'));
      expect(await eventually(async () => reports(f).length === 2, 60_000)).toBe(true);
      const [first, second] = reports(f);
      expect(second).toMatchObject({ greeting: 'v2', box: first!.box, session: first!.session });
      expect(second!.cache).not.toBe(first!.cache);
    } finally {
      // A SIGINT not from a terminal ends Vitest at once, without teardowns (watch.test.ts): nothing is handed
      // back, so no refresher replaces the box (waiting for one ran out 30 s each time). The warm ones go.
      process.kill(-vitest.pid!, 'SIGINT');
      await vitest;
      await Promise.all((await warm()).map((id) => removeContainer(id)));
    }
    expect(await allGone(reports(f)[0]!.session, 15_000)).toBe(true);
  });

  test('a setup command that fails fails the run before any test, with its last lines, and leaves nothing', async () => {
    const f = fixture('basic');
    writeFileSync(path.join(f.dir, 'sandpit.config.json'), JSON.stringify({ services: { cache: { preset: 'redis', setup: 'echo "Migration 002 failed: table x exists" >&2; exit 3' }, box: { preset: 'ubuntu' } } }));
    const vitest = runVitest(f);
    const result = await vitest;
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain(`cache: its setup command failed (exit 3: Migration 002 failed: table x exists): fix what it runs (\`echo "Migration 002 failed: table x exists" >&2; exit 3\`, in ${f.dir}).\nIts last 20 lines:\nMigration 002 failed: table x exists`);
    expect(reports(f)).toEqual([]);
    expect(await pidContainers(vitest.pid!)).toEqual([]);
  });
});
