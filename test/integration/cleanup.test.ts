import { describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { track } from '../helpers/children.js';
import { containersWith, eventually } from '../helpers/engine.js';
import { withPruneLock } from '../helpers/prune-lock.js';

const hold = fileURLToPath(new URL('../fixtures/hold.mjs', import.meta.url));
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Starts the fixture, waits for its containers, returns the child and its session. */
async function holding(mode: string, presets: string[], env: Record<string, string> = {}) {
  const child = track(execa('node', [hold, mode, ...presets], { reject: false, env }));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => resolve(chunk.toString()));
    child.once('exit', () => reject(new Error(`fixture ended early`)));
  });
  const { session, ids } = JSON.parse(line) as { session: string; ids: string[] };
  expect(await containersWith(`sandpit.session=${session}`)).toHaveLength(ids.length);
  if (mode !== 'wait') child.stdin!.write('go\n'); // now it may end
  return { child, session, ids };
}

const gone = (session: string, ms: number) =>
  eventually(async () => (await containersWith(`sandpit.session=${session}`)).length === 0, ms);

describe('a process that started containers leaves none behind', () => {
  test.each([
    ['exits with process.exit()', 'exit', 0],
    ['falls off the end of its script', 'return', 0],
    ['throws an uncaught error', 'throw', 1],
    ['has an unhandled rejection', 'reject', 1],
  ])('when it %s', async (_, mode, code) => {
    const { child, session } = await holding(mode, ['redis', 'ubuntu']);
    const result = await child;
    expect(result.exitCode).toBe(code);
    expect(await gone(session, 5000)).toBe(true);
  });

  test.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('when it gets %s, and it still dies of that signal', async (signal) => {
    const { child, session } = await holding('wait', ['redis', 'httpd']);
    child.kill(signal);
    const result = await child;
    expect(result.signal).toBe(signal); // sandpit does not trap signals: the process reacts as it would without it
    expect(await gone(session, 5000)).toBe(true);
  });

  test('when it is killed with SIGKILL (within 15 s, by the watchdog)', async () => {
    const { child, session } = await holding('wait', ['redis', 'ubuntu']);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await child;
    expect(await gone(session, 15_000)).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(15_000);
  });

  test('when it is killed with SIGKILL while NODE_OPTIONS carries a debugger flag (--inspect-brk would hold the watchdog)', async () => {
    const { child, session } = await holding('wait', ['redis'], { HOLD_NODE_OPTIONS: '--inspect-brk=127.0.0.1:0 --max-old-space-size=512' });
    child.kill('SIGKILL');
    await child;
    expect(await gone(session, 15_000)).toBe(true);
  });

  // A container on the host's network (`--network host`, a CI job) has this hostname and pids of its
  // own: every pid here looks dead from there. unshare makes such a neighbour (root only, as CI is).
  (process.getuid?.() === 0 ? test : test.skip)('a live session is not judged from another pid namespace with the same hostname', async () => {
    const { child, session } = await holding('wait', ['redis']);
    try {
      // A full prune: it would take other files' idle warm containers and dead sessions made on purpose.
      const prune = await withPruneLock(() => execa('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, cli, 'prune'], { reject: false, env: { NO_COLOR: '1' } }));
      expect({ exitCode: prune.exitCode, stderr: prune.stderr }).toEqual({ exitCode: 0, stderr: expect.any(String) });
      expect(await containersWith(`sandpit.session=${session}`)).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
      await child;
    }
    expect(await gone(session, 5000)).toBe(true);
  });

  test.each([
    ['ends normally', 'exit'],
    ['is killed outright', 'kill'],
  ])("a detached service from the library outlives its process once start() resolved, when that process %s", async (_, how) => {
    const lib = fileURLToPath(new URL('../../dist/lib/index.js', import.meta.url));
    const name = `lib-detached-${how}-${process.pid}`;
    const script = `const { start } = await import(${JSON.stringify(lib)});
const s = await start({ preset: 'redis', name: ${JSON.stringify(name)}, detached: true });
console.log(s.containerId);
${how === 'kill' ? 'setInterval(() => {}, 1000);' : ''}`;
    const child = track(execa('node', ['--input-type=module', '-e', script], { reject: false, cwd: os.tmpdir() }));
    const id = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      void child.then((ended) => reject(new Error(`ended before its start resolved: ${ended.stderr}`)));
    });
    try {
      if (how === 'kill') child.kill('SIGKILL');
      await child;
      // Its watchdog looks twice, 3 s apart (a create on its way at the owner's death shows later): until its
      // process is gone, the container must stay.
      const watchdog = async () => (await execa('pgrep', ['-f', `watchdog-process.js ${child.pid}-`], { reject: false })).stdout.trim();
      expect(await eventually(async () => (await watchdog()) === '', 20_000)).toBe(true);
      expect(await containersWith(`sandpit.name=${name}`)).toEqual([id.slice(0, 12)]);
    } finally {
      await execa('docker', ['rm', '-f', id], { reject: false });
    }
  });

  test('stale containers of a dead session are removed by prune(); a start elsewhere leaves fresh ones to their watchdog', async () => {
    // Without its watchdog, a SIGKILLed owner leaves its containers: the case prune() is for.
    // Another file's prune would take them before this one's.
    await withPruneLock(async () => {
      const { child, session } = await holding('wait', ['redis'], { SANDPIT_WATCHDOG: '0' });
      child.kill('SIGKILL');
      await child;
      // Another process starting now sweeps dead sessions in the background, but not one that died
      // under a minute ago (its watchdog may still be at work); parallel test files start all the time.
      const other = await holding('wait', ['redis']);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await containersWith(`sandpit.session=${session}`)).toHaveLength(1);
      other.child.kill('SIGTERM');
      const { prune } = await import('../../lib/index.js');
      expect(await prune()).toEqual(expect.arrayContaining(await containersWith(`sandpit.session=${session}`)));
      expect(await containersWith(`sandpit.session=${session}`)).toEqual([]);
      expect(await gone(other.session, 15_000)).toBe(true);
    });
  });
});
