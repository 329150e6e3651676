import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sessionId } from './labels.js';

let started = false;

/**
 * A small detached process that holds the read end of a pipe to this one. When this process
 * ends in any way — including SIGKILL, where no hook runs — the pipe closes and the watchdog
 * removes the session's containers. No privileged sidecar container (Ryuk) is needed.
 */
export function startWatchdog(): void {
  if (started) return;
  started = true;
  if (process.env.SANDPIT_WATCHDOG === '0') return; // tests of prune() need an owner that leaves leftovers
  const child = spawn(process.execPath, [watchdogScript(), sessionId], {
    detached: true, // its own process group: the Ctrl-C that ends us must not end it first
    stdio: ['pipe', 'ignore', 'ignore'],
    env: process.env,
  });
  child.unref();
  // The pipe must not keep this process alive; it only has to close when we die.
  (child.stdin as unknown as { unref(): void }).unref();
}

function watchdogScript(): string {
  const compiled = fileURLToPath(new URL('./watchdog-process.js', import.meta.url));
  // Under Jest the sources run as .ts; the compiled script lives in dist/ (built before tests).
  return existsSync(compiled) ? compiled : compiled.replace(/([/\\])lib([/\\])/, '$1dist$1lib$2');
}
