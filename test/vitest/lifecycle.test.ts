import { describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { execa } from 'execa';
import { eventually } from '../helpers/engine.js';
import { removeContainer } from '../../lib/cleanup/remove.js';
import path from 'node:path';
import { allGone, firstReport, fixture, pidContainers, reports, runVitest, sessionContainers } from './harness.js';

// Real Vitest runs of a small project with `globalSetup: ['sandpit-services/vitest']` (a redis and an
// ubuntu box); each looks only at its own run's session, as other suites share this engine.
describe('Vitest with sandpit-services/vitest', () => {
  test.each(['threads', 'forks', 'vmThreads'])('pool %s: tests see the services (inject, env, exec); nothing left after', async (pool) => {
    const f = fixture('basic');
    // A file that never imports sandpit-services/vitest (code under test reading SANDPIT_*): its worker's copy too.
    writeFileSync(
      path.join(f.dir, 'c.test.js'),
      "import { expect, test } from 'vitest';\ntest('env alone', () => expect(process.env.SANDPIT_CACHE_URL).toMatch(new RegExp(`/${process.env.VITEST_POOL_ID}$`)));\n",
    );
    const result = await runVitest(f, ['run', `--pool=${pool}`, '--maxWorkers=2']);
    expect(result.all).toMatch(/sandpit: cache, box ready in [\d.]+ s \(session /);
    expect(result.all).toMatch(/Tests +3 passed/);
    expect(result.exitCode).toBe(0);
    const [a, b] = reports(f);
    expect(a).toMatchObject({ session: expect.stringMatching(/^\d+-[0-9a-f]{8}$/), services: ['box', 'cache'], exec: [4, 'from-box\n'] });
    expect(a!.envCache).toBe(a!.cache); // process.env carries the same as inject()
    expect(b).toEqual({ ...a, file: b!.file, pool: b!.pool });
    // Removed by the watchdog beside Vitest's exit (the teardown hands them over).
    expect(await allGone(a!.session, 5000)).toBe(true);
  });

  test('a failing test with --bail: teardown still removes everything', async () => {
    const f = fixture('basic');
    const result = await runVitest(f, ['run', '--bail=1', '--no-file-parallelism'], { FIXTURE_MODE: 'fail' });
    expect(result.exitCode).toBe(1);
    expect(reports(f)).toHaveLength(1);
    expect(await allGone(reports(f)[0]!.session, 5000)).toBe(true);
  });

  test.each(['SIGINT', 'SIGTERM', 'SIGKILL'] as const)('%s to Vitest (its process group) during a test: nothing left within 15 s', async (signal) => {
    const f = fixture('basic');
    const vitest = runVitest(f, ['run'], { FIXTURE_MODE: 'hold' }, true);
    const { session } = await firstReport(f);
    expect(await sessionContainers(session)).toHaveLength(2);
    process.kill(-vitest.pid!, signal);
    await vitest;
    expect(await allGone(session, 15_000)).toBe(true);
  });

  test('a config error fails the run before any test, naming the key, with nothing started', async () => {
    const f = fixture('basic');
    writeFileSync(path.join(f.dir, 'sandpit.config.json'), '{ "services": { "db": { "preset": "mysql", "initScript": ["x.sql"] } } }');
    const vitest = runVitest(f);
    const result = await vitest;
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('sandpit.config.json: services.db.initScript: Unknown option "initScript" for mysql. Did you mean "initScripts"?');
    expect(reports(f)).toEqual([]);
    expect(await pidContainers(vitest.pid!)).toEqual([]);
  });

  test("a failing init script: its message and the container's last lines are printed once, with no empty fields", async () => {
    const f = fixture('basic');
    writeFileSync(path.join(f.dir, 'sandpit.config.json'), JSON.stringify({ services: { cache: { preset: 'redis', initScripts: ['SET greeting'] }, box: { preset: 'ubuntu' } } }));
    const vitest = runVitest(f);
    const result = await vitest;
    expect(result.exitCode).not.toBe(0);
    const all = String(result.all);
    expect(all).toMatch(/init script #1 \(inline\) failed|wrong number of arguments/);
    // Vitest prints an error's own fields ("Serialized Error"): the logs, already in the message, came twice,
    // and the cause's unset service as `service: undefined`.
    expect(all).not.toContain('undefined');
    expect(all.match(/Ready to accept connections/g) ?? []).toHaveLength(all.includes('Ready to accept connections') ? 1 : 0);
    expect(all).not.toMatch(/logs: '/);
    expect(await pidContainers(vitest.pid!)).toEqual([]);
  });
});

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
    const vitest = runVitest(f, ['run', '--maxWorkers=2'], { FIXTURE_SEED_KEYS: '1', SANDPIT_REUSE: 'force', TMPDIR: os.tmpdir() });
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
    } finally {
      // The fixture's test execs in the box: a refresher replaces it once the run is over. Its replacement, then all.
      const box = reports(f)[0]?.box;
      if (box) await eventually(async () => (await warm()).some((id) => id !== box), 30_000);
      await Promise.all((await warm()).map((id) => removeContainer(id)));
      expect(await warm()).toEqual([]);
    }
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
