import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { sessionId } from './labels.js';
import { helperEnv, scriptBeside } from './script.js';
import { endsWithUs, holdExitForWatchdog } from './namespace-end.js';

let started = false;
/** This process' end of the pipe; undefined when no watchdog runs (or it is gone). */
let pipe: Writable | undefined;
/** Folders for the watchdog to remove (removeWhenGone), told to it once it runs. */
const folders: string[] = [];

/**
 * A small detached process that holds the read end of a pipe to this one. When this process
 * ends in any way — including SIGKILL, where no hook runs — the pipe closes and the watchdog
 * removes the session's containers. No privileged sidecar container (Ryuk) is needed.
 */
export function startWatchdog(): void {
  if (started) return;
  started = true;
  if (process.env.SANDPIT_WATCHDOG === '0') return; // tests of prune() need an owner that leaves leftovers
  const child = spawn(process.execPath, [scriptBeside(import.meta.url, 'watchdog-process.js'), sessionId], {
    detached: true, // its own process group: the Ctrl-C that ends us must not end it first
    stdio: ['pipe', 'ignore', 'ignore'],
    env: helperEnv(),
  });
  child.unref();
  pipe = child.stdin;
  // A watchdog that died (killed by hand) must not crash us on the next hand-off: that falls back.
  pipe.on('error', () => (pipe = undefined));
  child.on('exit', () => (pipe = undefined));
  // The pipe must not keep this process alive; it only has to close when we die.
  (pipe as unknown as { unref(): void }).unref();
  // In a container whose pid 1 is (an ancestor of) this process, the watchdog dies with it: our end waits for its work.
  if (child.pid !== undefined && endsWithUs()) holdExitForWatchdog(child.pid, pipe);
  if (folders.length > 0) pipe.write(folders.map((folder) => `folder ${folder}\n`).join(''));
}

/**
 * A folder of this process's own in the temp dir (the exec server's socket), removed by the watchdog
 * once this process is gone, after its containers: a runner killed with SIGKILL runs no hook of its own.
 * It does not start one: a run that starts no container (warm reuse) spawns no watchdog for a folder.
 */
export function removeWhenGone(folder: string): void {
  folders.push(folder);
  pipe?.write(`folder ${folder}\n`);
}

/**
 * Asks the watchdog to remove these containers now, and returns at once: a test runner's last step
 * need not wait out the engine's kill and removal (~0.4 s for four containers on 2 cores), which go
 * on beside the runner's exit. False when no watchdog runs: then the caller removes them itself.
 */
export function handOff(ids: string[]): boolean {
  if (!pipe || pipe.destroyed || ids.length === 0) return false;
  // A few short lines: the kernel takes them at once, so they are not lost if we exit right after.
  pipe.write(ids.map((id) => `remove ${id}\n`).join(''));
  return true;
}

/**
 * A process group this process started (a setup command's): the watchdog kills it if this process dies
 * while it runs. A hook of our own covers every other ending; a SIGKILL left a migration running against
 * a database about to be removed. The returned function says the group is over (its pid may be reused).
 */
export function endGroupWhenGone(pid: number): () => void {
  if (!pipe || pipe.destroyed) return () => {};
  pipe.write(`group ${pid}\n`);
  return () => void (pipe && !pipe.destroyed && pipe.write(`ungroup ${pid}\n`));
}

/** A detached container is about to be created: the watchdog looks for it once more, later, if this process dies now. */
export function startingDetached(): void {
  if (pipe && !pipe.destroyed) pipe.write('starting\n');
}

/**
 * Detached containers whose start is over: the watchdog leaves them when this process ends. Until then
 * it removes them with the session's (their `sandpit.starter` label): an `up -d` killed outright while
 * its mysql still initialised left the redis that was ready, under a name the next `up -d` was refused.
 */
export function keepDetached(ids: string[]): void {
  if (!pipe || pipe.destroyed || ids.length === 0) return;
  pipe.write(ids.map((id) => `keep ${id}\n`).join(''));
}

/**
 * This process has nothing left for the watchdog: it ends with it and asks the engine nothing. `up --detach`
 * says so at its end; over ssh:// the watchdog's last list was a login of its own, running on after `up` had
 * exited. Only once every container of the session is gone and every detached one kept.
 */
export function dismissWatchdog(): void {
  if (!pipe || pipe.destroyed) return;
  pipe.write('done\n');
}
