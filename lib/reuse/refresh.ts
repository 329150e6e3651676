import { spawn } from 'node:child_process';
import type { StartOptions } from '../types.js';
import type { ReuseSettings } from './settings.js';
import { helperEnv, scriptBeside } from '../cleanup/script.js';

/** What a refresher needs: the service's options, reuse key and settings, and the container it replaces. */
export interface RefreshJob {
  options: StartOptions;
  key: string;
  /** All of them, the run's config file too: a replacement without it was missed by removeSuperseded, `ls` and `down`. */
  settings: ReuseSettings;
  dirty: string;
  /** Its lock's token: the refresher holds it before it removes the container. */
  token: string;
}

export const REFRESH_ENV = 'SANDPIT_REFRESH';

/**
 * Replaces a warm service a run changed (exec, copy) once that run hands it back: a small detached
 * process removes it and starts a clean one, so the next run takes that over instead of paying for
 * a start (~0.9 s here for ubuntu in a Jest run). If the next run comes first, it starts its own.
 */
export function refreshLater(job: RefreshJob): void {
  const child = spawn(process.execPath, [scriptBeside(import.meta.url, 'refresh-process.js')], {
    detached: true,
    stdio: 'ignore',
    cwd: process.cwd(),
    env: helperEnv({ [REFRESH_ENV]: JSON.stringify({ ...job, options: withoutProgress(job.options) }) }),
  });
  child.on('error', () => {}); // no refresher: the next run starts one itself
  child.unref();
}

/** Options as JSON can carry them to another process: without the progress callback. */
export function withoutProgress(options: StartOptions): StartOptions {
  const { onProgress: _p, ...rest } = options;
  return rest;
}
