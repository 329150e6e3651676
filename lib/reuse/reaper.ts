import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { CLAIMS_DIR, REAPER_LOCK_NAME } from '../cleanup/reused.js';
import { helperEnv, scriptBeside } from '../cleanup/script.js';

/** One reaper per machine (whatever a process's TMPDIR): it holds this lock while it runs. */
export const REAPER_LOCK = path.join(CLAIMS_DIR, REAPER_LOCK_NAME);
export const REAPER_STALE_MS = 15_000;

let ensured = false;

/**
 * Makes sure a reaper runs: a small detached process that removes warm containers once nobody has
 * held them for their idle time, even when no sandpit process ever runs again. It exits when none
 * are left. Started at most once per process, and only when the lock says none runs.
 */
export function ensureReaper(): void {
  if (ensured || process.env.SANDPIT_REAPER === '0') return;
  ensured = true;
  // A lock refreshed within its stale time means a live reaper; no need to load proper-lockfile.
  const lock = statSync(`${REAPER_LOCK}.lock`, { throwIfNoEntry: false });
  if (lock && Date.now() - lock.mtimeMs < REAPER_STALE_MS) return;
  const child = spawn(process.execPath, [scriptBeside(import.meta.url, 'reaper-process.js')], { detached: true, stdio: 'ignore', env: helperEnv() });
  child.unref();
}
