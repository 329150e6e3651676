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
} as const;

/** Session of containers that outlive their process on purpose (`sandpit up --detach`). */
export const DETACHED = 'detached';

/** One id per process: the unit the exit hooks and the watchdog clean up. */
export const sessionId: string = `${process.pid}-${randomBytes(4).toString('hex')}`;

export function ownerLabels(detached: boolean): Record<string, string> {
  return detached
    ? { [LABEL.session]: DETACHED }
    : { [LABEL.session]: sessionId, [LABEL.pid]: String(process.pid), [LABEL.host]: os.hostname() };
}
