// Per-worker isolation, for any test runner: a worker id in (Jest's JEST_WORKER_ID, Vitest's
// VITEST_POOL_ID), the worker's own database name or redis index out, and the two operations on it.
// CommonJS so that it also loads inside Jest's test sandbox; the runner glue (lib/jest, …) is thin.
import names = require('./names.cjs');
// Loaded on first use: a test file's sandbox loads this module for names and the map alone, and each
// module Jest loads there costs a few milliseconds, in every test file.
const mysqlOps = () => require('./mysql.cjs') as typeof import('./mysql.cjs');
const redisOps = () => require('./redis-resp.cjs') as typeof import('./redis-resp.cjs');
import type { Isolated, IsolationMap } from './types.js';

/** The environment variable the main process publishes the isolation map in. */
const ENV = 'SANDPIT_ISOLATION';
/** And the one saying which of worker 1's copies exist already for this run (the global setup made them). */
const READY_ENV = 'SANDPIT_READY';

/** The services whose copy for `workerId` needs no request in this run (`run` as SANDPIT_RUN says). */
function readyFor(workerId: number, run: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const [readyRun, names] = (env[READY_ENV] ?? '').split(':');
  return workerId === 1 && run !== undefined && readyRun === run && names ? names.split(',') : [];
}

function readMap(env: NodeJS.ProcessEnv = process.env): IsolationMap {
  const json = env[ENV];
  return json ? (JSON.parse(json) as IsolationMap) : {};
}

/** Main process, after start: whatever the workers will copy from must exist before they do. */
async function prepareMain(isolated: Isolated): Promise<void> {
  if (isolated.preset === 'mysql') await mysqlOps().seedTemplate(isolated);
  else await redisOps().seedTemplate(isolated);
}

/** Main process, taking over a server from an earlier run: nothing of that run may show. */
async function resetMain(isolated: Isolated): Promise<void> {
  if (isolated.preset === 'mysql') await mysqlOps().seedTemplate(isolated);
  else await redisOps().resetServer(isolated);
}

/** A worker's copy, before its first test: it exists and holds the seeded state (made in the main process, on the worker's request). */
async function prepareWorker(isolated: Isolated, workerId: number): Promise<void> {
  if (isolated.preset === 'mysql') await mysqlOps().syncWorker(isolated, workerId);
  else await redisOps().syncDatabase(isolated, workerId);
}

/** A worker's copy back to the seeded state (mysql's database, redis' logical database), touching no other worker. */
async function resetWorker(isolated: Isolated, workerId: number): Promise<void> {
  if (isolated.preset === 'mysql') await mysqlOps().syncWorker(isolated, workerId);
  else await redisOps().syncDatabase(isolated, workerId);
}

/**
 * A warm server handed back (lib/reuse): on one connection, ends every other, then resets it as
 * resetMain does, and worker 1's copy when `worker1`. Returns that connection's id: servers number
 * connections in order, so the next one takes the id after it (mysql.sealedReset, redis.sealedReset).
 */
function sealedReset(isolated: Isolated, worker1: boolean): Promise<number> {
  return isolated.preset === 'mysql' ? mysqlOps().sealedReset(isolated, worker1) : redisOps().sealedReset(isolated, worker1);
}

/** Whether a reset failed because the server's template is gone (a test emptied it): only a new server has the seed. */
const lostTemplate = (error: unknown): boolean => (error as { code?: unknown } | undefined)?.code === redisOps().NO_TEMPLATE;

/**
 * Main process, while its containers start: loads the database client the copies will need (~40 ms
 * for mysql2), in a turn of the event loop that would otherwise wait on the engine.
 */
function warmup(preset: Isolated['preset']): void {
  if (preset === 'mysql') setImmediate(() => void import('mysql2/promise').catch(() => {}));
}

export = { ENV, READY_ENV, readyFor, readMap, prepareMain, resetMain, prepareWorker, resetWorker, sealedReset, lostTemplate, redisClientId: (target: Isolated & { preset: 'redis' }) => redisOps().clientId(target), warmup, ...names };
