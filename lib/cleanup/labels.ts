import { createHash, randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import os from 'node:os';

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
  /** Detached: the project it runs for (currentProject()); its name is unique only there. */
  project: 'sandpit.project',
  /** Detached: the session that started it, whose watchdog removes it if that start never finished (watchdog.ts). */
  starter: 'sandpit.starter',
} as const;

/** Session of containers that outlive their process on purpose (`sandpit up --detach`). */
export const DETACHED = 'detached';

/**
 * Owner shown for containers kept warm between runs (`reuse: true`). Their session label says
 * DETACHED, so that any sandpit version's sweep of dead sessions leaves them to their own reaper;
 * the `sandpit.reuse` label tells them apart.
 */
export const REUSED = 'reused';

/**
 * Who may judge an owner's pid: processes that see the same pids. The hostname alone is not that:
 * a container on the host's network (`--network host`, some CI jobs) has the host's hostname and a
 * pid namespace of its own, where every pid of the host looks dead, and its sweep removed live
 * sessions' containers. So it is the hostname and the pid namespace (Linux: its inode number),
 * e.g. "build-box@4026531836"; where there is no /proc, the hostname alone.
 */
export const machine: string = (() => {
  try {
    return `${os.hostname()}@${readlinkSync('/proc/self/ns/pid').replace(/\D/g, '')}`;
  } catch {
    return os.hostname();
  }
})();

/** One id per process: the unit the exit hooks and the watchdog clean up. */
export const sessionId: string = `${process.pid}-${randomBytes(4).toString('hex')}`;

export function ownerLabels(detached: boolean): Record<string, string> {
  return detached
    ? { [LABEL.session]: DETACHED, [LABEL.project]: currentProject(), [LABEL.starter]: sessionId }
    : { [LABEL.session]: sessionId, [LABEL.pid]: String(process.pid), [LABEL.host]: machine };
}

/**
 * Whose detached services these are: SANDPIT_PROJECT (`--project`; a CI job's id, say), else the folder
 * sandpit runs in, as docker compose takes its project from the folder. Two CI jobs on one engine each
 * had their `db`: the second's `up -d` was refused, and its clean-up removed the first's.
 */
export function currentProject(): string {
  return process.env.SANDPIT_PROJECT || process.cwd();
}

/** Short and fixed for a project: in its detached containers' names, which the engine keeps unique. */
export const projectTag = (project = currentProject()): string => createHash('sha256').update(project).digest('hex').slice(0, 8);

/** A detached service of `project` (one without the label, made before projects, is everyone's). */
export const inProject = (labelled: string | undefined, project = currentProject()): boolean => labelled === undefined || labelled === project;
