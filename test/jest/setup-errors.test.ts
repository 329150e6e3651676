import { describe, expect, test } from '@jest/globals';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixture, pidContainers, pidGone, reports, runJest } from './harness.js';

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

  test("with a globalSetup of the config's own beside the preset (Jest keeps only that one): the test's error says so", async () => {
    const f = fixture('basic');
    writeFileSync(path.join(f.dir, 'own-setup.js'), 'module.exports = async () => {};\n');
    writeFileSync(path.join(f.dir, 'package.json'), JSON.stringify({ private: true, jest: { preset: 'sandpit-services', globalSetup: './own-setup.js' } }));
    writeFileSync(path.join(f.dir, 'a.test.js'), "const { service } = require('sandpit-services/jest');\ntest('uses cache', () => service('cache'));\n");
    rmSync(path.join(f.dir, 'b.test.js'));
    const jest = runJest(f);
    const result = await jest;
    expect(result.exitCode).toBe(1);
    expect(await pidGone(jest.pid!, 10_000)).toBe(true);
    expect(result.all).toContain("sandpit's globalSetup did not run. Use preset: 'sandpit-services' in your Jest config; if the config sets a globalSetup of its own, that one replaces the preset's: call sandpit's from it");
  });
});
