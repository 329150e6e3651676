import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { start } from '../../lib/index.js';
import { serveExec, type ExecServer } from '../../lib/runner/exec-server.js';
import type TestSide from '../../lib/runner/test-side.cjs';
import type { Service } from '../../lib/types.js';

// The test side is CommonJS, as test sandboxes load it: the built file (npm test builds first).
const testSide = createRequire(import.meta.url)('../../dist/lib/runner/test-side.cjs') as typeof TestSide;

// The exec server the Jest and Vitest test sides call, against a real container.
describe('exec server', () => {
  let box: Service;
  let server: ExecServer;
  beforeAll(async () => {
    box = await start({ preset: 'ubuntu', name: 'box' });
    server = await serveExec((name) => (name === 'box' ? box : undefined));
  });
  afterAll(async () => {
    await server?.close();
    await box?.stop();
  });

  test('runs a command by service name: exit code, both streams, per-command env; the socket is private', async () => {
    expect(await testSide.execVia(server.address, 'box', ['sh', '-c', 'echo "$X"; echo err >&2; exit 3'], { X: 'a b' })).toEqual({
      exitCode: 3,
      stdout: 'a b\n',
      stderr: 'err\n',
    });
    if (process.platform !== 'win32') {
      expect(statSync(server.address).mode & 0o777).toBe(0o600);
      // …inside a folder only this user may enter, so it is never open to others, not even before chmod.
      expect(statSync(path.dirname(server.address)).mode & 0o777).toBe(0o700);
    }
  });

  test('a name that is not a service of the run is NOT_FOUND; a removed container rejects with its code', async () => {
    await expect(testSide.execVia(server.address, 'db', ['true'])).rejects.toMatchObject({ name: 'SandpitError', code: 'NOT_FOUND' });
    await box.stop();
    await expect(testSide.execVia(server.address, 'box', ['true'])).rejects.toMatchObject({ name: 'SandpitError', code: 'NOT_RUNNING' });
  });

  test('once the run has ended (server closed), exec says so', async () => {
    await server.close();
    if (process.platform !== 'win32') expect(existsSync(path.dirname(server.address))).toBe(false); // nothing left in the temp dir
    await expect(testSide.execVia(server.address, 'box', ['true'])).rejects.toThrow("the test run's main process does not answer");
  });
});
