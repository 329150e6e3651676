import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILES } from '../config/index.js';
import { fileURLToPath } from 'node:url';
import { SandpitError, describe, isSandpitError } from '../errors.js';
import { READY_ENV, RUN_ENV } from '../runner/isolation.js';
import { RunnerSession, readyLine } from '../runner/session.js';
import { remember, started } from './state.js';

/** The part of Jest's GlobalConfig this needs (no dependency on @jest/types). */
export interface JestGlobalConfig {
  rootDir: string;
  watch?: boolean;
  watchAll?: boolean;
  silent?: boolean;
  /** How many workers Jest may start: each isolated service gets a copy per worker id up to this. */
  maxWorkers?: number;
  /** The run's projects: their folders (or config files), and inline configs. */
  projects?: unknown[];
}

/** The part of Jest's ProjectConfig this reads. */
export interface JestProjectConfig {
  rootDir?: string;
  setupFilesAfterEnv?: string[];
  displayName?: string | { name: string };
}

/**
 * The folder whose config this run reads (or the nearest above it, in the repository): the run's rootDir, or
 * the one project's a `--selectProjects` names alone (a monorepo's package, with a config of its own: the
 * root's started every package's services). Jest passes the project of the run's first test file, and keeps
 * `--selectProjects` out of the global config: it is read from Jest's command line, as Jest's yargs reads it.
 */
async function configRoot(global: JestGlobalConfig, project: JestProjectConfig | undefined): Promise<string> {
  const name = typeof project?.displayName === 'string' ? project.displayName : project?.displayName?.name;
  if (name === undefined || !project?.rootDir || !process.argv.some((arg) => /^--select-?[pP]rojects/.test(arg))) return global.rootDir;
  const { Parser } = await import('yargs/helpers');
  const selected = (Parser(process.argv.slice(2), { array: ['selectProjects'] }).selectProjects ?? []) as unknown[];
  return selected.length === 1 && String(selected[0]) === name ? project.rootDir : global.rootDir;
}

/** The worker setup file, as the preset names it (and `sandpit-services/jest/worker-setup` resolves). */
const WORKER_SETUP = fileURLToPath(new URL('./worker-setup.cjs', import.meta.url));

/**
 * Without the worker setup a worker's SANDPIT_<NAME>_* stay the global view's (`shop`, `redis://…/0`): code
 * under test that reads them shared one database across workers, without a word (service() at least
 * says so). Refused before any test, when Jest told us the project's files (it passes them; a custom
 * globalSetup that calls this one passes them on, as the README shows).
 */
function checkWorkerSetup(project: JestProjectConfig | undefined, isolated: string[]): void {
  if (!project || !Array.isArray(project.setupFilesAfterEnv) || isolated.length === 0) return;
  const real = (file: string) => {
    try {
      return realpathSync(file);
    } catch {
      return file;
    }
  };
  if (project.setupFilesAfterEnv.some((file) => real(file) === real(WORKER_SETUP))) return;
  throw new SandpitError(
    'CONFIG_INVALID',
    `Add setupFilesAfterEnv: ['sandpit-services/jest/worker-setup'] to the Jest config: ${isolated.join(', ')} ${isolated.length === 1 ? 'is' : 'are'} isolated per worker, and without it each worker's SANDPIT_* variables point at the shared database. Or set isolation: 'shared' for ${isolated.length === 1 ? 'it' : 'them'} in sandpit.config.`,
    { stage: 'config' },
  );
}

/**
 * Runs in Jest's main process before any worker exists: starts the config's services and puts
 * their SANDPIT_* variables in process.env, which the workers inherit. The containers belong to
 * this process, so the core's watchdog removes them however Jest ends (Ctrl-C, kill -9…).
 */
export default async function globalSetup(globalConfig: JestGlobalConfig, projectConfig?: JestProjectConfig): Promise<void> {
  const previous = started();
  const rootDir = await configRoot(globalConfig, projectConfig);
  if (previous && real(previous.session.rootDir) !== real(rootDir)) throw ownError(oneConfigPerRun(previous.session.rootDir, rootDir));
  if (previous) {
    // A watch-mode rerun: the services from the first run are still up. Jest's workers keep the
    // variables they started with, so a changed config (or seed) is not applied here: it is said.
    const drift = await previous.session.drift().catch((error: unknown) => [`(the config does not load: ${describe(error)})`]);
    if (drift.length > 0) process.stderr.write(`sandpit: the config or init scripts changed since Jest started (${drift.join(', ')}): restart Jest to apply them; the services run as they were.\n`);
    const run = String(Date.now());
    Object.assign(process.env, previous.env, { [RUN_ENV]: run });
    process.env[READY_ENV] = `${run}:${(await previous.session.copies.ahead(run)).join(',')}`;
    return;
  }
  const begun = Date.now();
  try {
    const session = await RunnerSession.open(rootDir, {
      maxWorkers: globalConfig.maxWorkers ?? 1,
      check: (isolated) => checkWorkerSetup(projectConfig, isolated),
    });
    const env = session.env();
    const run = String(Date.now());
    Object.assign(process.env, env, { [RUN_ENV]: run });
    // Worker 1 exists in every run (in band too): its copies are made here (or were, by a warm server's
    // resetter), and its test files need not ask. Not raced with Jest's start: in band, Jest's test
    // file set-up holds this event loop, so a copy left under way took ~110 ms instead of ~15, and the
    // first test file waited for it.
    process.env[READY_ENV] = `${run}:${(await session.copies.ahead(run)).join(',')}`;
    remember({ session, env });
    if (!globalConfig.silent) process.stderr.write(skippedConfigs(globalConfig, session.file) + readyLine(session.services, begun, session));
  } catch (caught) {
    throw ownError(inAProject(caught, rootDir, projectConfig?.rootDir));
  }
}

/** Jest prints the stack: for our own errors the message and its code are the whole story. */
function ownError(error: unknown): unknown {
  if (isSandpitError(error)) error.stack = `${error.name} [${error.code}]: ${error.message}`;
  return error;
}

/** A folder as the file system has it: `/repo/` and a link to it are one rootDir. */
const real = (dir: string): string => {
  try {
    return realpathSync(path.resolve(dir));
  } catch {
    return path.resolve(dir);
  }
};

/**
 * Jest `projects` (a monorepo's packages) share one run's workers, and the variables they inherit: one
 * sandpit config per run, the run's. A project's own was not read (Jest runs one globalSetup file once),
 * and the message said only that the root had none.
 */
function inAProject(error: unknown, rootDir: string, projectDir: string | undefined): unknown {
  if (!isSandpitError(error) || error.code !== 'CONFIG_INVALID' || !error.message.startsWith('sandpit: no services to start')) return error;
  if (!projectDir || projectDir === rootDir || !CONFIG_FILES.some((name) => existsSync(path.join(projectDir, name)))) return error;
  return new SandpitError(
    'CONFIG_INVALID',
    `Put the services in one sandpit.config at ${rootDir}, the Jest run's rootDir: Jest \`projects\` share one run's workers and their variables, so sandpit reads that one config (${projectDir} has its own, which a run of that package alone reads: \`jest --selectProjects <its displayName>\`, or jest in its folder).`,
    { stage: 'config', cause: error },
  );
}

/**
 * A run of several projects reads the run's one config: a package's own is said to be left (it was, silently),
 * and when it is read: in a run of that package alone.
 */
function skippedConfigs(global: JestGlobalConfig, used: string): string {
  const folders = (global.projects ?? []).filter((p): p is string => typeof p === 'string').map((p) => (path.extname(p) ? path.dirname(p) : p));
  if (folders.length < 2) return '';
  const own = folders.flatMap((dir) => CONFIG_FILES.map((name) => path.join(dir, name)).filter((file) => existsSync(file) && real(file) !== real(used)));
  if (own.length === 0) return '';
  const shown = own.map((file) => path.relative(global.rootDir, file));
  return `sandpit: this run of ${folders.length} projects reads ${path.relative(global.rootDir, used) || used}; ${shown.join(', ')} ${shown.length === 1 ? 'is' : 'are'} read in a run of ${shown.length === 1 ? 'its project' : 'their project'} alone (--selectProjects)\n`;
}

/** A second setup of this run for another folder's config (a wrapper per project): refused, not mixed in silently. */
function oneConfigPerRun(first: string, second: string): SandpitError {
  return new SandpitError(
    'CONFIG_INVALID',
    `One sandpit config per Jest run: the services of ${first}'s have started, and this setup asks for ${second}'s. Jest \`projects\` share one run's workers and their variables: put all services in one sandpit.config at the run's rootDir.`,
    { stage: 'config' },
  );
}
