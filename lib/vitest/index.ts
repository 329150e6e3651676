// `sandpit-services/vitest`: the global setup (`test: { globalSetup: ['sandpit-services/vitest'] }`)
// and the test side (`service()`, `exec()`). Workers import this file too, so the core that starts
// containers is loaded only by the setup, in Vitest's main process.
import type { TestProject } from 'vitest/node';
import isolation from '../isolation/index.cjs';
import type { Isolated, IsolationMap } from '../isolation/types.js';
import testSide from '../runner/test-side.cjs';
import { withdrawPublication } from '../runner/publication.js';
import type { ExecOptions, ExecResult, TestService } from '../runner/types.js';

export type { ExecOptions, ExecResult, TestService };

// Vitest 3.2 refuses any import of "vitest" in a global setup's process ("Vitest failed to access
// its internal state"), and this file is the global setup too: only a worker (VITEST_POOL_ID set)
// loads it. Vitest 4 allows the import; both get the same instance a test file gets.
const vitest = process.env.VITEST_POOL_ID === undefined ? undefined : await import('vitest');
const inject = (key: 'sandpit'): SandpitContext | undefined => vitest?.inject(key);

/** What the setup provides to tests: `inject('sandpit')`. */
export interface SandpitContext {
  session: string;
  /** The exec server's socket in Vitest's main process. */
  exec: string;
  services: Record<string, TestService>;
  /** Services each worker has its own copy of (isolation: 'worker', the default for mysql and redis). */
  isolation: IsolationMap;
  /** The SANDPIT_* variables this project's setup published (the shared view: a worker points its own copies). */
  env: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    sandpit: SandpitContext;
  }
}

/** Starts the services of `sandpit.config.*` once per Vitest run; returns the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  return (await import('./setup.js')).setup(project);
}

function context(): SandpitContext {
  const provided = inject('sandpit');
  if (!provided) {
    throw new testSide.SandpitTestError(
      'CONFIG_INVALID',
      "sandpit: no services in this Vitest run: its global setup failed (its error is above; in watch mode, fix it and save to try again) or did not run (add test: { globalSetup: ['sandpit-services/vitest'] } to your vitest.config).",
    );
  }
  return provided;
}

/** This worker's id (VITEST_POOL_ID) and its isolation of `name`; undefined where the service is shared. */
function ownCopy(name: string, { isolation: map }: SandpitContext): { isolated: Isolated; workerId: number } | undefined {
  const isolated = Object.hasOwn(map, name) ? map[name] : undefined;
  const workerId = isolation.workerIdFrom(process.env.VITEST_POOL_ID);
  return isolated && workerId !== undefined ? { isolated, workerId } : undefined;
}

/**
 * A service started for this run, by its name in sandpit.config.*; in a worker, that worker's own copy
 * (its mysql database, its redis database number). Synchronous and free.
 */
export function service(name: string): TestService {
  const provided = context();
  const found = testSide.pick(provided.services, name, 'Vitest');
  const own = ownCopy(name, provided);
  if (!own) return found;
  const view = isolation.workerView(own.isolated, { url: found.url, ...(found.database === undefined ? {} : { database: found.database }) }, own.workerId);
  return { ...found, ...view };
}

/**
 * Runs a command in a service's container; a string goes through `sh -c`. `how`: docker exec's -e, -u and -w
 * (`{ user: 'root' }`). One local request to Vitest's main process.
 */
export async function exec(name: string, command: string | string[], how: ExecOptions = {}): Promise<ExecResult> {
  const provided = context();
  const { database } = service(name);
  // A command reading $MYSQL_DATABASE (as the image's own scripts do) gets the worker's copy.
  const env: Record<string, string> = ownCopy(name, provided)?.isolated.preset === 'mysql' && database ? { MYSQL_DATABASE: database } : {};
  return testSide.execVia(provided.exec, name, testSide.argv(command), { ...how, env: { ...env, ...how.env } });
}

/**
 * Puts this worker's copy of a service back as the run began: mysql holds the seeded rows again and
 * loses what tests created; redis' database of this worker is emptied (no other worker is touched).
 */
export async function reset(name: string): Promise<void> {
  const provided = context();
  testSide.pick(provided.services, name, 'Vitest');
  const own = ownCopy(name, provided);
  if (!own) {
    throw testSide.notResettable(name, testSide.pick(provided.services, name, 'Vitest').url);
  }
  await testSide.resetVia(provided.exec, name, own.workerId);
}

// Code under test that reads SANDPIT_<NAME>_URL sees this worker's copy too, as service() does; in a
// `projects` run, this project's services only (workers inherit the main process's env: the publication of
// whichever project's setup ran last), and in a project without sandpit's global setup none.
if (process.env.VITEST_POOL_ID !== undefined) {
  withdrawPublication(process.env);
  Object.assign(process.env, inject('sandpit')?.env);
  // Another project's names, blanked for this one's workers by its setup (setup.ts): out.
  for (const [key, value] of Object.entries(process.env)) if (key.startsWith('SANDPIT_') && value === '') delete process.env[key];
}
if (process.env.VITEST_POOL_ID !== undefined && process.env.SANDPIT_SERVICES !== undefined) {
  const prefixes = JSON.parse(process.env.SANDPIT_SERVICES) as Record<string, string>;
  const provided = inject('sandpit');
  for (const name of Object.keys(provided?.isolation ?? {})) {
    const prefix = prefixes[name];
    if (prefix === undefined) continue;
    const { url, database } = service(name);
    process.env[`${prefix}_URL`] = url;
    if (database !== undefined) process.env[`${prefix}_DATABASE`] = database;
  }
}
