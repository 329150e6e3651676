import { CONFIG_PLACES, loadConfig } from '../config/index.js';
import { sessionId } from '../cleanup/labels.js';
import { SandpitError, isSandpitError } from '../errors.js';
import { startAll } from '../service/group.js';
import { envPrefix, serviceEnv } from '../service/env.js';
import { ISOLATION_ENV, RUN_ENV, isolationMap, prepareAll, withIsolation } from './isolation.js';
import { remember, started } from './state.js';

/** The part of Jest's GlobalConfig this needs (no dependency on @jest/types). */
export interface JestGlobalConfig {
  rootDir: string;
  watch?: boolean;
  watchAll?: boolean;
  silent?: boolean;
  /** How many workers Jest may start: each isolated service gets a copy per worker id up to this. */
  maxWorkers?: number;
}

/**
 * Runs in Jest's main process before any worker exists: starts the config's services and puts
 * their SANDPIT_* variables in process.env, which the workers inherit. The containers belong to
 * this process, so the core's watchdog removes them however Jest ends (Ctrl-C, kill -9…).
 */
export default async function globalSetup(globalConfig: JestGlobalConfig): Promise<void> {
  const previous = started();
  if (previous) {
    // A watch-mode rerun: the services from the first run are still up.
    Object.assign(process.env, previous.env, { [RUN_ENV]: String(Date.now()) });
    return;
  }
  const begun = Date.now();
  try {
    const config = await loadConfig(globalConfig.rootDir);
    if (!config) {
      throw new SandpitError(
        'CONFIG_INVALID',
        `sandpit: no services to start: found no ${CONFIG_PLACES} in ${globalConfig.rootDir}. Add e.g. sandpit.config.json: { "services": { "cache": { "preset": "redis" } } }.`,
        { stage: 'config' },
      );
    }
    // A Jest run owns its containers: `detached` in a config is for `sandpit up`, not for tests.
    const maxWorkers = Math.max(1, globalConfig.maxWorkers ?? 1);
    const wanted = config.services.map((options) => withIsolation({ ...options, detached: false }, config.isolation[options.name ?? ''], maxWorkers));
    const services = await startAll(wanted);
    const isolated = isolationMap(services, wanted, config.isolation);
    try {
      await prepareAll(isolated);
    } catch (error) {
      await Promise.allSettled(services.map((s) => s.stop()));
      throw error;
    }
    const env: Record<string, string> = {
      SANDPIT_SESSION: sessionId,
      // Names and their variable prefixes, so the test side needs no copy of the naming rule.
      SANDPIT_SERVICES: JSON.stringify(Object.fromEntries(services.map((s) => [s.name, envPrefix(s.name)]))),
      ...Object.assign({}, ...services.map((s) => serviceEnv(s))),
      // Which services each worker gets its own copy of; read by the test side (service(), reset()).
      [ISOLATION_ENV]: JSON.stringify(isolated),
    };
    Object.assign(process.env, env, { [RUN_ENV]: String(Date.now()) });
    remember({ services, env });
    if (!globalConfig.silent) {
      const seconds = ((Date.now() - begun) / 1000).toFixed(1);
      process.stderr.write(`sandpit: ${services.map((s) => s.name).join(', ')} ready in ${seconds} s (session ${sessionId})\n`);
    }
  } catch (error) {
    // Jest prints the stack: for our own errors the message and its code are the whole story.
    if (isSandpitError(error)) error.stack = `${error.name} [${error.code}]: ${error.message}`;
    throw error;
  }
}
