import { spawn } from 'node:child_process';
import type { Isolated } from '../isolation/types.js';
import { helperEnv, scriptBeside } from '../cleanup/script.js';
import { markResetting } from './clean-mark.js';
import { withoutProgress, type RefreshJob } from './refresh.js';
import type { Seen } from './untouched.js';

/** What a resetter needs: the container, its lock's token, how to reach the server (as root for mysql), and whether workers copy it. */
export interface ResetJob {
  id: string;
  token: string;
  target: Isolated;
  worker1: boolean;
}

/**
 * A warm httpd or ubuntu handed back: the same process looks whether the run changed it (untouched.ts)
 * and if so has a refresher replace it (refresh.ts). Done there, not at the run's end, which it would
 * hold up by a read of the engine's history (~30 ms here).
 */
export interface CheckJob {
  id: string;
  token: string;
  seen: Seen;
  refresh: RefreshJob;
}

export type HandBackJob = ResetJob | CheckJob;

export const isCheck = (job: HandBackJob): job is CheckJob => 'seen' in job;

/** What the resetter process gets: the run's pid (resets wait for that process to end) and the jobs. */
export interface ResetOrder {
  parent: number;
  jobs: HandBackJob[];
}

export const RESET_ENV = 'SANDPIT_RESET';

let batch: HandBackJob[] = [];

/**
 * Hands a warm mysql or redis to a small detached process that puts it back to the seed (the main
 * database and worker 1's) once this run releases it, and marks it clean (clean-mark.ts). Called right
 * before the release: a run that comes right after waits for it rather than starting a server of its
 * own. The services a run hands back together (in one turn of the event loop) share one process, which
 * resets once this process has ended: the run's own connections (a client a test left open, a teardown
 * of yours after sandpit's) are closed by then, not cut by the reset. A CheckJob (httpd, ubuntu) it does
 * at once: a look changes nothing.
 */
export function resetLater(job: HandBackJob): void {
  batch.push(isCheck(job) ? { ...job, refresh: { ...job.refresh, options: withoutProgress(job.refresh.options) } } : job);
  // A microtask: before any release's file operation completes, so each lock is let go with its
  // resetter already noted (a run that takes it then waits for the resetter).
  if (batch.length === 1) queueMicrotask(spawnResetter);
}

function spawnResetter(): void {
  const jobs = batch;
  batch = [];
  // At a run's end: nothing here may throw into the runner's teardown. No resetter, no mark: the next
  // run resets the servers itself.
  try {
    const order: ResetOrder = { parent: process.pid, jobs };
    const child = spawn(process.execPath, [scriptBeside(import.meta.url, 'reset-process.js')], {
      detached: true,
      stdio: 'ignore',
      cwd: process.cwd(),
      env: helperEnv({ [RESET_ENV]: JSON.stringify(order) }),
    });
    child.on('error', () => {});
    if (child.pid !== undefined) for (const job of jobs) markResetting(job.id, child.pid);
    child.unref();
  } catch {
    // See above.
  }
}
