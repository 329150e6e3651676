import { describe, expect, test } from '@jest/globals';
import { fixture, pidContainers, reports, runJest } from './harness.js';

// A setup that fails must fail the run before any test, with sandpit's own message.
describe('the sandpit preset fails the run before any test', () => {
  test('on a config error, naming the file and the key, with nothing started', async () => {
    const f = fixture('broken-config');
    const jest = runJest(f);
    const result = await jest;
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain(
      'sandpit.config.json: services.db.initScript: Unknown option "initScript" for mysql. Did you mean "initScripts"?',
    );
    expect(result.all).toMatch(/SandpitError \[(CONFIG_INVALID|INVALID_OPTION)\]: .*initScript/);
    expect(result.all).not.toMatch(/^\s+at /m); // the message is the whole story: no stack
    expect(reports(f)).toEqual([]);
    expect(await pidContainers(jest.pid!)).toEqual([]);
  });

  test('when a service does not become ready, and the others are removed', async () => {
    const f = fixture('not-ready');
    const jest = runJest(f);
    const result = await jest;
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toMatch(/SandpitError \[INIT_SCRIPT_FAILED\]: db \(mysql\): init script schema.sql failed: .*nowhere/);
    expect(reports(f)).toEqual([]);
    expect(await pidContainers(jest.pid!)).toEqual([]);
  });
});
