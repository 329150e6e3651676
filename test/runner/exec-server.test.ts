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

  test('runs a command by service name: exit code, both streams, per-command env, user and folder; the socket is private', async () => {
    expect(await testSide.execVia(server.address, 'box', ['sh', '-c', 'echo "$X"; echo err >&2; exit 3'], { env: { X: 'a b' } })).toEqual({
      exitCode: 3,
      stdout: 'a b\n',
      stderr: 'err\n',
    });
    expect((await testSide.execVia(server.address, 'box', ['sh', '-c', 'echo $(id -un) $(pwd)'], { user: 'nobody', workdir: '/tmp' })).stdout).toBe('nobody /tmp\n');
    // Service.exec's second argument was the variables alone: one given that way is refused, not lost unsaid.
    await expect(box.exec(['true'], { FOO: '1' } as never)).rejects.toThrow("Give exec()'s variables as { env: { FOO: … } }: its second argument is { env, user, workdir } (FOO is none of them).");
    if (process.platform !== 'win32') {
      expect(statSync(server.address).mode & 0o777).toBe(0o600);
      // …inside a folder only this user may enter, so it is never open to others, not even before chmod.
      expect(statSync(path.dirname(server.address)).mode & 0o777).toBe(0o700);
    }
  });

  test('a worker busy for longer than the server keeps an idle connection (a long synchronous step): its next call still works', async () => {
    const { execa } = await import('execa');
    const side = new URL('../../dist/lib/runner/test-side.cjs', import.meta.url).pathname;
    // A test worker of its own process: one call, 6 s without a turn of its event loop (past the server's 5 s
    // for an idle kept-alive connection, which it closed unseen), another call. It failed with EPIPE/ECONNRESET.
    const script = `const side = require(${JSON.stringify(side)});
const call = () => side.execVia(${JSON.stringify(server.address)}, 'box', ['echo', 'hi']);
call().then(async (first) => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 6000);
  const second = await call();
  console.log(JSON.stringify([first.stdout, second.stdout]));
}).catch((error) => { console.error(error.message); process.exit(1); });`;
    const child = await execa(process.execPath, ['-e', script], { reject: false });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe(JSON.stringify(['hi\n', 'hi\n']));
  }, 20_000);

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

test("a runner that exits without closing its exec server (Ctrl-C of a fully warm run: no watchdog) leaves no folder", async () => {
  const { execa } = await import('execa');
  const built = new URL('../../dist/lib/runner/exec-server.js', import.meta.url).pathname;
  // As Jest does on SIGINT: its own handler calls process.exit, no teardown. No container: no watchdog.
  const script = `process.on('SIGINT', () => process.exit(130));
setInterval(() => {}, 1000);
const { serveExec } = await import(${JSON.stringify(built)});
const server = await serveExec(() => undefined);
console.log(server.address);`;
  const child = execa(process.execPath, ['--input-type=module', '-e', script], { reject: false, env: { SANDPIT_WATCHDOG: '0' } });
  const address = await new Promise<string>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  expect(existsSync(address)).toBe(true);
  child.kill('SIGINT');
  const ended = await child;
  expect({ code: ended.exitCode, signal: ended.signal, stderr: ended.stderr }).toEqual({ code: 130, signal: undefined, stderr: "" });
  expect(existsSync(path.dirname(address))).toBe(false);
});

test("sandpit prune's sweep removes an exec folder no one listens on (a warm run killed outright), not a live or a young one", async () => {
  const { execa } = await import('execa');
  const { mkdtempSync, utimesSync } = await import('node:fs');
  const os = await import('node:os');
  const { sweepExecFolders } = await import('../../lib/cleanup/exec-folders.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sandpit-sweep-'));
  const folder = (name: string) => path.join(dir, `sandpit-exec-${name}`);
  // Killed outright: its socket file stays, and connecting to it is refused.
  const { mkdirSync } = await import('node:fs');
  mkdirSync(folder('dead'));
  const dead = execa(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path.join(folder('dead'), 'exec.sock'))}, () => console.log('up'))`]);
  await new Promise((resolve) => dead.stdout!.once('data', resolve));
  dead.kill('SIGKILL');
  await dead.catch(() => {});
  mkdirSync(folder('young'));
  // Alive: this process listens there.
  mkdirSync(folder('live'));
  const live = (await import('node:net')).createServer();
  await new Promise<void>((resolve) => live.listen(path.join(folder('live'), 'exec.sock'), resolve));
  try {
    const old = new Date(Date.now() - 120_000);
    for (const name of ['dead', 'live']) utimesSync(folder(name), old, old);
    expect(await sweepExecFolders({ dir })).toEqual(['sandpit-exec-dead']);
    expect(existsSync(folder('dead'))).toBe(false);
    expect(existsSync(folder('live'))).toBe(true);
    expect(existsSync(folder('young'))).toBe(true);
  } finally {
    live.close();
    (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
  }
});
