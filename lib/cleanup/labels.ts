import { randomBytes } from 'node:crypto';
import os from 'node:os';

/** Every container sandpit creates carries these, so it can be found and reaped by label only. */
export const LABEL = {
  managed: 'sandpit',
  name: 'sandpit.name',
  preset: 'sandpit.preset',
  session: 'sandpit.session',
  pid: 'sandpit.pid',
  host: 'sandpit.hostname',
  options: 'sandpit.options',
  /** Warm reuse: the configuration hash a later run must match to take the container over. */
  reuse: 'sandpit.reuse',
  /** Warm reuse: the token of the machine-wide lock a run holds while it uses the container. */
  claim: 'sandpit.reuse.claim',
  /** Warm reuse: milliseconds unused after which the reaper removes it. */
  idle: 'sandpit.reuse.idle',
} as const;

/** Session of containers that outlive their process on purpose (`sandpit up --detach`). */
export const DETACHED = 'detached';

/**
 * Owner shown for containers kept warm between runs (`reuse: true`). Their session label says
 * DETACHED, so that any sandpit version's sweep of dead sessions leaves them to their own reaper;
 * the `sandpit.reuse` label tells them apart.
 */
export const REUSED = 'reused';

/** One id per process: the unit the exit hooks and the watchdog clean up. */
export const sessionId: string = `${process.pid}-${randomBytes(4).toString('hex')}`;

export function ownerLabels(detached: boolean): Record<string, string> {
  return detached
    ? { [LABEL.session]: DETACHED }
    : { [LABEL.session]: sessionId, [LABEL.pid]: String(process.pid), [LABEL.host]: os.hostname() };
}
