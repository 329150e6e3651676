// How a worker's copy is named: pure functions, shared by the global setup, the workers and any
// test runner's glue (Jest's JEST_WORKER_ID, Vitest's VITEST_POOL_ID). No I/O here.
import type { Isolated, WorkerView } from './types.js';

/** `shop` → `shop_w3`. Worker ids start at 1. */
const workerDatabase = (database: string, workerId: number): string => `${database}_w${workerId}`;

/** Where the seeded state is kept, untouched by tests: every reset copies from here. */
const templateDatabase = (database: string): string => `${database}_seed`;

/** A GRANT pattern that covers every worker database of `database` (`_` is a wildcard there). */
const workerGrantPattern = (database: string): string => `${database.replace(/_/g, '\\_')}\\_w%`;

/** mysql names are ≤ 64 characters: room for `_w` and a worker id up to 9999. */
const MAX_DATABASE = 58;

/**
 * redis: database 0 is the global view, worker N uses N, and the last one keeps the seeded template
 * every worker's copy comes from: N workers need N + 2 databases.
 */
const redisDatabases = (workers: number): number => Math.max(16, workers + 2);

/** The logical database that holds a redis server's seeded template: its last one. */
const redisTemplate = (databases: number): number => databases - 1;

/** The worker id a test runner gave this process, or undefined outside a worker. */
function workerIdFrom(value: string | undefined): number | undefined {
  if (value === undefined || !/^[1-9]\d{0,3}$/.test(value)) return undefined;
  return Number(value);
}

/** A service's url (and mysql database) as one worker sees it. */
function workerView(isolated: Isolated, view: WorkerView, workerId: number): WorkerView {
  if (isolated.preset === 'redis') return { ...view, url: `${view.url.replace(/\/\d*$/, '')}/${workerId}` };
  const database = workerDatabase(isolated.database, workerId);
  return { ...view, database, url: view.url.replace(/\/[^/]*$/, `/${database}`) };
}

export = { workerDatabase, templateDatabase, workerGrantPattern, MAX_DATABASE, redisDatabases, redisTemplate, workerIdFrom, workerView };
