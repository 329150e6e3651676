import { expect, test } from '@jest/globals';
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture, pidContainers, pidGone, runJest } from './harness.js';

// sandpit-services/jest must load inside Jest's CommonJS test sandbox, with no Node flags.
test('service() and exec() work in a plain CommonJS project', async () => {
  const result = await runJest(fixture('consumer'));
  expect(result.all).toMatch(/Tests:\s+2 passed, 2 total/);
  expect(result.exitCode).toBe(0);
});

test("globalSetup/globalTeardown compose with a project's own", async () => {
  const jest = runJest(fixture('composed'));
  const result = await jest;
  expect(result.all).toMatch(/sandpit: cache ready in/);
  expect(result.exitCode).toBe(0);
  expect(await pidGone(jest.pid!, 5000)).toBe(true);
});

test("a project's own globalSetup without the worker setup: refused before any test, for an isolated service (its workers' variables named the shared database)", async () => {
  const f = fixture('composed');
  writeFileSync(path.join(f.dir, 'jest.config.js'), "module.exports = { globalSetup: './setup.js', globalTeardown: './teardown.js' };\n");
  const since = Math.floor(Date.now() / 1000) - 1;
  const jest = runJest(f);
  const result = await jest;
  expect(result.exitCode).not.toBe(0);
  expect(result.all).toContain(
    "SandpitError [CONFIG_INVALID]: Add setupFilesAfterEnv: ['sandpit-services/jest/worker-setup'] to the Jest config: cache is isolated per worker, and without it each worker's SANDPIT_* variables point at the shared database.",
  );
  expect(result.all).not.toMatch(/Tests:/);
  // Refused before any service started: the engine created no container for this run.
  const { stdout: created } = await execa('docker', ['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000)), '--filter', `label=sandpit.pid=${jest.pid}`, '--filter', 'event=create', '--format', '{{.ID}}']);
  expect(created).toBe('');
  expect(await pidContainers(jest.pid!)).toEqual([]);
});

test("service() outside Jest (a plain script) says where it works, not that Jest's set-up is missing", async () => {
  const index = fileURLToPath(new URL('../../dist/lib/jest/index.cjs', import.meta.url));
  const { JEST_WORKER_ID: _worker, SANDPIT_SERVICES: _services, ...env } = process.env;
  const script = await execa(process.execPath, ['-e', `require(${JSON.stringify(index)}).service('db')`], { reject: false, extendEnv: false, env });
  expect(script.exitCode).not.toBe(0);
  expect(script.stderr).toContain("sandpit: service(), exec() and reset() of 'sandpit-services/jest' work in Jest test files, with the preset. Elsewhere, start services with start() from 'sandpit-services'");
});
