import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { machine } from './machine.js';

/**
 * Whose detached services these are: SANDPIT_PROJECT (`--project`; a CI job's id, say), else the folder
 * sandpit runs in on this machine, as docker compose takes its project from the folder. Two CI jobs on one
 * engine each had their `db`: the second's `up -d` was refused, and its clean-up removed the first's. The
 * machine (hostname and pid namespace) is part of it: job containers of GitLab's or GitHub's runners check
 * out at one path (/builds/…), and share the host's engine.
 */
export function currentProject(): string {
  return process.env.SANDPIT_PROJECT || `${machine}:${process.cwd()}`;
}

/**
 * The project a `--project` flag names: a folder's path (/path/to/shop, ./shop) is that folder's project, as
 * `up` run there made it (taken as a name, it matched nothing, and the message said the service ran "for another
 * project, /path/to/shop"); anything else is a name. Only the flag: a SANDPIT_PROJECT that a CI sets to its
 * checkout's path on purpose, for jobs on several machines to share, stays the name it was.
 */
export function projectFromFlag(value: string): string {
  return folderProject(value) ?? value;
}

/** A project as `--project` takes it back: this machine's folder as its path. */
export function projectAsFlag(project: string): string {
  return project.startsWith(`${machine}:`) ? project.slice(machine.length + 1) : project;
}

function folderProject(value: string): string | undefined {
  if (!/^(\/|\.\.?(\/|$))/.test(value)) return undefined;
  try {
    const folder = realpathSync(path.resolve(value));
    return statSync(folder).isDirectory() ? `${machine}:${folder}` : undefined;
  } catch {
    return undefined; // no such folder here: a name that looks like a path
  }
}

/** Short and fixed for a project: in its detached containers' names, which the engine keeps unique. */
export const projectTag = (project = currentProject()): string => createHash('sha256').update(project).digest('hex').slice(0, 8);

/**
 * A detached service of `project`. One without the label (made before projects) is everyone's; one labelled
 * with the bare folder (before the machine was part of it) is this folder's.
 */
export const inProject = (labelled: string | undefined, project = currentProject()): boolean =>
  labelled === undefined || labelled === project || (!process.env.SANDPIT_PROJECT && project === `${machine}:${process.cwd()}` && labelled === process.cwd());

/**
 * The project of a warm service (lib/reuse): the folder of the config file its test run started it from, on the
 * machine that ran it, in the form a detached one's project takes (`down db` in that folder is its, as `up`'s).
 * None without the file (a foreground `up`'s) or the machine.
 */
export const warmProject = (configFile: string | undefined, host: string | undefined): string | undefined =>
  configFile && host ? `${host}:${path.dirname(configFile)}` : undefined;

/** A project as a person reads it: this machine's folder as `~/shop`, another's as `/builds/shop on ci-7`, a name as it is. */
export function projectShown(project: string): string {
  if (project.startsWith(`${machine}:`)) return shortFolder(project.slice(machine.length + 1));
  const other = /^([^:/@]+)(?:@\d+)?:(\/.*)$/.exec(project);
  return other ? `${other[2]} on ${other[1]}` : project;
}

/** A folder under the home folder as ~. */
export function shortFolder(dir: string): string {
  const home = os.homedir();
  return home && home !== '/' && (dir === home || dir.startsWith(`${home}${path.sep}`)) ? `~${dir.slice(home.length)}` : dir;
}
