import isolation from '../isolation/index.cjs';
import { isolatable, type Isolated, type IsolationMap } from '../isolation/types.js';
import { SandpitError, describe } from '../errors.js';
import { mysqlGreeting } from '../readiness/mysql.js';
import type { Isolation } from '../config/index.js';
import { quietProgress } from '../service/progress.js';
import type { MysqlService, Service, StartOptions } from '../types.js';

/**
 * What a worker-isolated service needs at start: mysql a database name with room for `_w<N>`, redis
 * enough logical databases for one per worker (0 stays the global setup's own).
 */
export function withIsolation(options: StartOptions, mode: Isolation | undefined, maxWorkers: number): StartOptions {
  if (mode !== 'worker' || !('preset' in options)) return options;
  if (options.preset === 'mysql') {
    const database = options.database ?? 'test';
    if (database.length > isolation.MAX_DATABASE) {
      throw new SandpitError('CONFIG_INVALID', `services.${options.name}.database: "${database}" is too long for a copy per worker (at most ${isolation.MAX_DATABASE} characters); shorten it, or set isolation: 'shared'.`, { option: 'database', stage: 'config' });
    }
    return options;
  }
  if (options.preset === 'redis') {
    const needed = isolation.redisDatabases(maxWorkers);
    return needed > (options.databases ?? 16) ? { ...options, databases: needed } : options;
  }
  return options;
}

/** Services whose data a run can put back to the seed (worker copies, reset()). */
export const resettable = (options: StartOptions): boolean => isolatable(options);

/** The isolation map the workers read, for the services started with `withIsolation`. */
export function isolationMap(services: Service[], started: StartOptions[], modes: Record<string, Isolation>): IsolationMap {
  const map: IsolationMap = {};
  for (const service of services) {
    if (modes[service.name] !== 'worker') continue;
    const options = started.find((o) => o.name === service.name);
    if (service.preset === 'mysql') {
      const db = service as MysqlService;
      map[service.name] = { preset: 'mysql', host: db.host, port: db.port, database: db.database, user: db.user, rootPassword: db.rootPassword };
    } else if (service.preset === 'redis' && options) {
      const password = 'password' in options ? options.password : undefined;
      const databases = ('databases' in options ? options.databases : undefined) ?? 16; // redis' own default
      map[service.name] = { preset: 'redis', host: service.host, port: service.port, databases, ...(password ? { password } : {}) };
    }
  }
  return map;
}

/** Templates and grants the workers copy from, before any of them exists. */
export async function prepareAll(map: IsolationMap, take: (isolated: Isolated) => Promise<void> = isolation.prepareMain): Promise<void> {
  await Promise.all(
    Object.entries(map).map(([name, isolated]) =>
      take(isolated).catch((cause: unknown) => {
        throw new SandpitError('NOT_READY', `${name}: could not prepare the copies per worker: ${describe(cause)}. Set isolation: 'shared' for it to run without them.`, {
          cause,
          service: name,
          stage: 'ready',
        });
      }),
    ),
  );
}

/** A server taken over from an earlier run: its own database back to the seed, redis emptied. */
export const resetAll = (map: IsolationMap): Promise<void> => prepareAll(map, isolation.resetMain);

/** Whether resetAll failed on `name` because its template is gone: a new server is the only way back to the seed. */
export const lostTemplate = (error: unknown, name: string): boolean =>
  error instanceof SandpitError && error.service === name && isolation.lostTemplate(error.cause);

/**
 * Opens a connection and returns the id the server gave it, in the order it numbers connections (see
 * isolation's seal): mysql tells it in its greeting, before any login; redis answers CLIENT ID.
 */
export const newConnectionId = (target: Isolated): Promise<number> =>
  target.preset === 'mysql' ? mysqlGreeting(target.host, target.port, 1000).then((g) => g.connectionId) : isolation.redisClientId(target);

export const ISOLATION_ENV = isolation.ENV;
/** Changes with every run, watch-mode reruns included: a worker prepares its copies once per run. */
export const RUN_ENV = 'SANDPIT_RUN';
/** `<run>:<name>,…`: the services whose worker 1 copy was made before the run began (see isolation's readyFor). */
export const READY_ENV = isolation.READY_ENV;

/**
 * Loads the clients the copies per worker will need (mysql2, ~50 ms) once each such service's container
 * runs, while this process only waits for it to answer. Not before: the first create would wait out
 * the load (traced in a Jest run's global setup: the mysql container was created ~50 ms later).
 */
export function withWarmup(list: StartOptions[], modes: Record<string, Isolation>): StartOptions[] {
  return list.map((o) => {
    if (modes[o.name ?? ''] !== 'worker' || !isolatable(o)) return o;
    const { preset } = o;
    const report = o.onProgress ?? quietProgress;
    return {
      ...o,
      onProgress: (event) => {
        if (event.stage === 'ready') isolation.warmup(preset);
        report(event);
      },
    };
  });
}
