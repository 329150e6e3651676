import { describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
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
