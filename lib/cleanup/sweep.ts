import { prune } from './prune.js';

let swept = false;

/** Once per process, in the background: leftovers of dead sessions go without slowing this start. */
export function sweepOnce(): void {
  if (swept || process.env.SANDPIT_NO_SWEEP) return;
  swept = true;
  prune().catch(() => {});
}
