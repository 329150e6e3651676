import { prune } from './prune.js';

let swept = false;

/**
 * A session that died in the last minute still has its watchdog at work: sweeping its containers too
 * would race it (and another process's test of prune() on purpose-made leftovers). The sweep is for
 * what a reboot or a lost watchdog left, which is older by then.
 */
const GRACE_MS = 60_000;

/**
 * Once per process, in the background: leftovers of dead sessions go without slowing this start.
 * Resolves when done (at once after the first call); never rejects: a sweep that fails is no error.
 */
export function sweepOnce(): Promise<void> {
  if (swept || process.env.SANDPIT_NO_SWEEP) return Promise.resolve();
  swept = true;
  return prune({ olderThanMs: GRACE_MS }).then(
    () => {},
    () => {},
  );
}
