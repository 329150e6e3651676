import { describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { allGone, firstReport, fixture, reports, runJest, sessionContainers } from './harness.js';
import { eventually } from '../helpers/engine.js';

// Each case runs a real Jest process on a small project using `preset: 'sandpit-services'` (a redis and an
// ubuntu box), and looks only at that process's session: other suites share this engine.
describe('a Jest run with the sandpit preset leaves no container behind', () => {
  test('when its tests pass (global teardown hands them to the watchdog)', async () => {
    const f = fixture('basic');
    const result = await runJest(f);
    expect(result.all).toMatch(/sandpit: cache, box ready in [\d.]+ s \(session /);
    expect(result.exitCode).toBe(0);
    const [a, b] = reports(f);
    expect(a!.session).toMatch(/^\d+-[0-9a-f]{8}$/);
    // Both test files, whichever worker ran them, saw the same services.
    expect(b).toEqual({ ...a, file: b!.file });
    // Removed beside Jest's exit, not before it: the run need not wait out the engine's kills.
    expect(await allGone(a!.session, 5000)).toBe(true);
  });

  test('SANDPIT_TEARDOWN=wait: gone by the time Jest exits', async () => {
    const f = fixture('basic');
    const result = await runJest(f, [], { SANDPIT_TEARDOWN: 'wait' });
    expect(result.exitCode).toBe(0);
    expect(await sessionContainers(reports(f)[0]!.session)).toEqual([]);
  });

  test('with its watchdog gone before the end, the teardown removes them itself', async () => {
    const f = fixture('basic');
    const jest = runJest(f, ['--runInBand'], { FIXTURE_MODE: 'gate' });
    const { session } = await firstReport(f);
    const watchdog = (await execa('pgrep', ['-f', `watchdog-process.js ${session}`])).stdout.trim();
    expect(watchdog).toMatch(/^\d+$/);
    process.kill(Number(watchdog), 'SIGKILL');
    writeFileSync(`${f.out}.go`, '');
    const result = await jest;
    expect(result.exitCode).toBe(0);
    expect(await sessionContainers(session)).toEqual([]);
  });

  test('when a test fails', async () => {
    const f = fixture('basic');
    const result = await runJest(f, [], { FIXTURE_MODE: 'fail' });
    expect(result.exitCode).toBe(1);
    expect(await allGone(reports(f)[0]!.session, 5000)).toBe(true);
  });

  test('with --bail', async () => {
    const f = fixture('basic');
    const result = await runJest(f, ['--bail', '--runInBand'], { FIXTURE_MODE: 'fail' });
    expect(result.exitCode).toBe(1);
    expect(reports(f)).toHaveLength(1); // it did stop at the first failure
    expect(await allGone(reports(f)[0]!.session, 5000)).toBe(true);
  });

  test('when a test calls process.exit() (Jest ends without teardown)', async () => {
    const f = fixture('basic');
    // In band, the test's process.exit() is the Jest main process's, which owns the containers.
    const result = await runJest(f, ['--runInBand'], { FIXTURE_MODE: 'exit' });
    expect(result.all).toMatch(/process\.exit called with "0"/);
    expect(await allGone(reports(f)[0]!.session, 15_000)).toBe(true);
  });

  test('on Ctrl-C (SIGINT to its process group, workers included)', async () => {
    const f = fixture('basic');
    const jest = runJest(f, ['--maxWorkers=2'], { FIXTURE_MODE: 'hold' }, true);
    const { session } = await firstReport(f);
    expect(await sessionContainers(session)).toHaveLength(2);
    process.kill(-jest.pid!, 'SIGINT');
    const result = await jest;
    expect(String(result.signal ?? result.exitCode)).toMatch(/^(SIGINT|130)$/);
    expect(await allGone(session, 15_000)).toBe(true);
  });

  test('on SIGKILL to Jest, within 15 s', async () => {
    const f = fixture('basic');
    const jest = runJest(f, ['--runInBand'], { FIXTURE_MODE: 'hold' });
    const { session, exec } = await firstReport(f);
    expect(await sessionContainers(session)).toHaveLength(2);
    expect(existsSync(exec)).toBe(true);
    const killedAt = Date.now();
    jest.kill('SIGKILL');
    await jest;
    expect(await allGone(session, 15_000)).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    // The exec server's folder too, which only the Jest process would have removed at its end.
    expect(await eventually(async () => !existsSync(path.dirname(exec)), 5000)).toBe(true);
  });

  test('with two Jest processes at once, each using its own containers', async () => {
    const [f1, f2] = [fixture('basic'), fixture('basic')];
    const results = await Promise.all([runJest(f1), runJest(f2)]);
    expect(results.map((r) => r.exitCode)).toEqual([0, 0]);
    const [one, two] = [reports(f1)[0]!, reports(f2)[0]!];
    expect(one.session).not.toBe(two.session);
    expect(one.cache).not.toBe(two.cache);
    expect([await allGone(one.session, 5000), await allGone(two.session, 5000)]).toEqual([true, true]);
  });
});
