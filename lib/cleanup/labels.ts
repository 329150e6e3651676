import { randomBytes } from 'node:crypto';
import { currentProject } from './project.js';
import { machine } from './machine.js';

/** Every container sandpit creates carries these, so it can be found and reaped by label only. */
export const LABEL = {
  managed: 'sandpit',
  name: 'sandpit.name',
  preset: 'sandpit.preset',
  session: 'sandpit.session',
  pid: 'sandpit.pid',
  /** The `machine` below: where the owner's pid means something. */
  host: 'sandpit.hostname',
  options: 'sandpit.options',
  /** Warm reuse: the configuration hash a later run must match to take the container over. */
  reuse: 'sandpit.reuse',
  /** Warm reuse: the token of the machine-wide lock a run holds while it uses the container. */
  claim: 'sandpit.reuse.claim',
  /** Warm reuse: milliseconds unused after which the reaper removes it. */
  idle: 'sandpit.reuse.idle',
  /** Warm reuse: the config file it was started from; a run of that config with other options supersedes it. */
  reuseProject: 'sandpit.reuse.project',
  /** Detached: the key of the options `up -d` was given (lib/reuse/key.ts): the same `up -d` again keeps it. */
  given: 'sandpit.given',
  /** Detached: the project it runs for (currentProject()); its name is unique only there. */
  project: 'sandpit.project',
  /** Detached: the session that started it, whose watchdog removes it if that start never finished (watchdog.ts). */
  starter: 'sandpit.starter',
  /**
   * The engine's container its owner ran in, where the owner's pid namespace ends with it (namespace-end.ts):
   * a SIGKILL of that container takes the watchdog too, and prune judges the session by the container instead.
   */
  ownerContainer: 'sandpit.owner.container',
} as const;

/** Session of containers that outlive their process on purpose (`sandpit up --detach`). */
export const DETACHED = 'detached';

/**
 * Owner shown for containers kept warm between runs (`reuse: true`). Their session label says
 * DETACHED, so that any sandpit version's sweep of dead sessions leaves them to their own reaper;
 * the `sandpit.reuse` label tells them apart.
 */
export const REUSED = 'reused';

export { machine } from './machine.js';

/** One id per process: the unit the exit hooks and the watchdog clean up. */
export const sessionId: string = `${process.pid}-${randomBytes(4).toString('hex')}`;

export function ownerLabels(detached: boolean): Record<string, string> {
  return detached
    ? { [LABEL.session]: DETACHED, [LABEL.project]: currentProject(), [LABEL.starter]: sessionId }
    : { [LABEL.session]: sessionId, [LABEL.pid]: String(process.pid), [LABEL.host]: machine };
}
