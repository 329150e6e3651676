// The test side of the Jest preset. CommonJS on purpose: Jest's test sandbox cannot require()
// ES modules on Node 20, so this file loads nothing of sandpit's ESM core inside a test.
import isolation = require('../isolation/index.cjs');
import type { Isolated } from '../isolation/types.js';
import published = require('./published.cjs');
import testSide = require('../runner/test-side.cjs');

import type { ExecOptions, ExecResult, TestService as JestService } from '../runner/types.js';

/** A service started for this Jest run, by its name in sandpit.config.*; in a worker, that worker's own copy. */
function service(name: string): JestService {
  const prefix = published.prefixOf(name);
  const read = (key: string) => process.env[`${prefix}_${key}`];
  const extras: Partial<JestService> = {};
  for (const [key, suffix] of [['user', 'USER'], ['password', 'PASSWORD'], ['database', 'DATABASE'], ['rootPassword', 'ROOT_PASSWORD']] as const) {
    const value = read(suffix);
    if (value !== undefined) extras[key] = value;
  }
  const found: JestService = { url: read('URL') ?? '', host: read('HOST') ?? '', port: Number(read('PORT')), containerId: read('CONTAINER_ID') ?? '', ...extras };
  const own = ownCopy(name);
  if (!own) return found;
  // Computed, not read back: the worker setup may not have rewritten the variables (a composed setup).
  const view = isolation.workerView(own.isolated, { url: found.url, ...(found.database === undefined ? {} : { database: found.database }) }, own.workerId);
  return { ...found, ...view };
}

/** The worker's isolation of a service, or undefined where it is shared (or outside a worker). */
function ownCopy(name: string): { isolated: Isolated; workerId: number } | undefined {
  const isolated = isolation.readMap()[name];
  const workerId = published.workerId();
  if (!isolated || workerId === undefined) return undefined;
  if (isolated.preset === 'mysql' && !published.workerSetupRan()) {
    throw new Error(`sandpit: "${name}" has a database per worker, which sandpit's worker setup creates. Add setupFilesAfterEnv: ['sandpit-services/jest/worker-setup'] to your Jest config (the preset does this), or set isolation: 'shared' for "${name}".`);
  }
  return { isolated, workerId };
}

/**
 * Puts this worker's copy of a service back as the run began: mysql holds the seeded rows again and
 * loses what the tests created; redis' database of this worker is emptied (no other is touched).
 */
async function reset(name: string): Promise<void> {
  published.prefixOf(name); // an unknown name fails with the list of services
  const own = ownCopy(name);
  if (!own) {
    if (isolation.readMap()[name]) throw new Error(`sandpit: reset("${name}") runs in a Jest worker only (JEST_WORKER_ID is not set here).`);
    throw testSide.notResettable(name, service(name).url);
  }
  await testSide.resetVia(process.env.SANDPIT_EXEC ?? '', name, own.workerId);
}

/**
 * Runs a command in a service's container; a string goes through `sh -c`. `how`: docker exec's -e, -u and -w
 * (`{ user: 'root' }`). One local request to Jest's main process.
 */
async function exec(name: string, command: string | string[], how: ExecOptions = {}): Promise<ExecResult> {
  const { database } = service(name);
  // In a worker, a command reading $MYSQL_DATABASE (as the image's own scripts do) gets the worker's copy.
  const env: Record<string, string> = ownCopy(name)?.isolated.preset === 'mysql' && database ? { MYSQL_DATABASE: database } : {};
  return testSide.execVia(process.env.SANDPIT_EXEC ?? '', name, testSide.argv(command), { ...how, env: { ...env, ...how.env } });
}

// For users with a globalSetup of their own: call these from it. They run in Jest's main process,
// where the ESM core loads normally.
type Hook = (globalConfig: { rootDir: string; watch?: boolean; watchAll?: boolean; silent?: boolean }, projectConfig?: { setupFilesAfterEnv?: string[] }) => Promise<void>;
// projectConfig: Jest's second argument, passed on, so a missing worker setup is said (global-setup.ts).
const globalSetup: Hook = async (globalConfig, projectConfig) => (await import('./global-setup.js')).default(globalConfig, projectConfig);
const globalTeardown: Hook = async (globalConfig) => (await import('./global-teardown.js')).default(globalConfig);

export = { service, exec, reset, globalSetup, globalTeardown };
