import { spawn } from 'node:child_process';
import type { MysqlIsolation } from '../isolation/types.js';
import { scriptBeside } from '../cleanup/script.js';
import { markResetting } from './clean-mark.js';

/** What a resetter needs: the container, its lock's token, and how to reach the server as root. */
export interface ResetJob {
  id: string;
  token: string;
  target: MysqlIsolation;
}

export const RESET_ENV = 'SANDPIT_RESET';

/**
 * Hands a warm mysql to a small detached process that puts it back to the seed (its database and
 * worker 1's) once this run releases it, and marks it clean (clean-mark.ts). Called before the release:
 * a run that comes right after waits for it rather than starting a server of its own.
 */
export function resetLater(job: ResetJob): void {
  const child = spawn(process.execPath, [scriptBeside(import.meta.url, 'reset-process.js')], {
    detached: true,
    stdio: 'ignore',
    cwd: process.cwd(),
    env: { ...process.env, [RESET_ENV]: JSON.stringify(job) },
  });
  child.on('error', () => {}); // no resetter: the next run resets it itself
  if (child.pid !== undefined) markResetting(job.id, child.pid);
  child.unref();
}
