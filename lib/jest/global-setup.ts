import { isSandpitError } from '../errors.js';
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
    const run = String(Date.now());
    Object.assign(process.env, previous.env, { [RUN_ENV]: run });
    process.env[READY_ENV] = `${run}:${(await previous.session.copies.ahead(run)).join(',')}`;
    return;
  }
  const begun = Date.now();
  try {
    const session = await RunnerSession.open(globalConfig.rootDir, { maxWorkers: globalConfig.maxWorkers ?? 1 });
    const env = session.env();
    const run = String(Date.now());
    Object.assign(process.env, env, { [RUN_ENV]: run });
    // Worker 1 exists in every run (in band too): its copies are made here (or were, by a warm server's
    // resetter), and its test files need not ask. Not raced with Jest's start: in band, Jest's test
    // file set-up holds this event loop, so a copy left under way took ~110 ms instead of ~15, and the
    // first test file waited for it.
    process.env[READY_ENV] = `${run}:${(await session.copies.ahead(run)).join(',')}`;
    remember({ session, env });
    if (!globalConfig.silent) process.stderr.write(readyLine(session.services, begun, session));
  } catch (error) {
    // Jest prints the stack: for our own errors the message and its code are the whole story.
    if (isSandpitError(error)) error.stack = `${error.name} [${error.code}]: ${error.message}`;
    throw error;
  }
}
