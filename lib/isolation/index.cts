// Per-worker isolation, for any test runner: a worker id in (Jest's JEST_WORKER_ID, Vitest's
// VITEST_POOL_ID), the worker's own database name or redis index out, and the two operations on it.
// CommonJS so that it also loads inside Jest's test sandbox; the runner glue (lib/jest, …) is thin.
import names = require('./names.cjs');
import mysql = require('./mysql.cjs');
import redis = require('./redis-resp.cjs');
import type { Isolated, IsolationMap } from './types.js';

/** The environment variable the main process publishes the isolation map in. */
const ENV = 'SANDPIT_ISOLATION';

function readMap(env: NodeJS.ProcessEnv = process.env): IsolationMap {
  const json = env[ENV];
  return json ? (JSON.parse(json) as IsolationMap) : {};
}

/** Main process, after start: whatever the workers will copy from must exist before they do. */
async function prepareMain(isolated: Isolated): Promise<void> {
  if (isolated.preset === 'mysql') await mysql.seedTemplate(isolated);
  else await redis.seedTemplate(isolated);
}

/** Main process, taking over a server from an earlier run: nothing of that run may show. */
async function resetMain(isolated: Isolated): Promise<void> {
  if (isolated.preset === 'mysql') await mysql.seedTemplate(isolated);
  else await redis.resetServer(isolated);
}

/** A worker's copy, before its first test: it exists and holds the seeded state (made in the main process, on the worker's request). */
async function prepareWorker(isolated: Isolated, workerId: number): Promise<void> {
  if (isolated.preset === 'mysql') await mysql.syncWorker(isolated, workerId);
  else await redis.syncDatabase(isolated, workerId);
}

/** A worker's copy back to the seeded state (mysql's database, redis' logical database), touching no other worker. */
async function resetWorker(isolated: Isolated, workerId: number): Promise<void> {
  if (isolated.preset === 'mysql') await mysql.syncWorker(isolated, workerId);
  else await redis.syncDatabase(isolated, workerId);
}

/**
 * mysql: ends every other connection and returns the id of its own, the last one made (see mysql.seal).
 * Called when nothing else should be connected: after a warm server's reset (lib/reuse).
 */
const sealMysql = (isolated: Isolated & { preset: 'mysql' }): Promise<number> => mysql.seal(isolated);

/**
 * Main process, while its containers start: loads the database client the copies will need (~40 ms
 * for mysql2), in a turn of the event loop that would otherwise wait on the engine.
 */
function warmup(preset: Isolated['preset']): void {
  if (preset === 'mysql') setImmediate(() => void import('mysql2/promise').catch(() => {}));
}

export = { ENV, readMap, prepareMain, resetMain, prepareWorker, resetWorker, sealMysql, warmup, ...names };
