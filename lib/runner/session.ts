import { CONFIG_FILES, CONFIG_PLACES, loadConfig, repositoryRoot } from '../config/index.js';
import { sessionId } from '../cleanup/labels.js';
import { handOff } from '../cleanup/watchdog.js';
import { SandpitError } from '../errors.js';
import { envPrefix, serviceEnv } from '../service/env.js';
import type { Service, StartOptions } from '../types.js';
import type { TestService } from './types.js';
import { serveExec, type ExecServer } from './exec-server.js';
import { WorkerCopies } from './copies.js';
import { ISOLATION_ENV, isolationMap, prepareAll, withIsolation, withWarmup } from './isolation.js';
import { startWarm } from './warm.js';
import { reuseSettings, type ReuseSettings } from '../reuse/settings.js';
import type { IsolationMap } from '../isolation/types.js';
import type { Isolation } from '../config/index.js';
import { seedPaths, seedStamp } from '../seeds/index.js';
import { runSetups, sayOnStderr, setupsOf } from '../setup/run.js';
import path from 'node:path';

/** A service of the run; warm ones (reuse) are handed back at the end (`release`), or removed (`discard`). */
interface Running {
  service: Service;
  from: StartOptions;
  identity: string;
  release?: () => Promise<void>;
  discard?: () => Promise<void>;
}

/**
 * The services of one test run, whichever runner: its config's services, the exec server the test
 * side calls, and what is published to tests. Runner adapters (lib/jest, lib/vitest) only wire it.
 */
export class RunnerSession {
  /** `release` is set for warm services (reuse): they are handed back, not removed. */
  readonly #running = new Map<string, Running>();
  #reuse: ReuseSettings | undefined;
  /** Taken over from an earlier run (warm reuse), for the ready line. */
  readonly reused = new Set<string>();
  /** Started anew because an earlier run exec'd or copied into the warm one (warm reuse), for the ready line. */
  readonly replaced = new Set<string>();
  #server: ExecServer | undefined;
  #file = '';
  /** The config's `setup` commands, by service (lib/setup): part of a service's identity. */
  #setups: Record<string, string> = {};
  #isolated: IsolationMap = {};
  /** Each worker's copies of the isolated services, made here when a worker asks (or ahead of it). */
  readonly copies = new WorkerCopies(() => this.#isolated);

  /** `maxWorkers`: how many workers may ask for their own copy of an isolated service. */
  private constructor(
    readonly rootDir: string,
    readonly maxWorkers: number,
  ) {}

  /**
   * The config files a run in `rootDir` may read, and its services' seed files as far as the config loads: what a
   * watch mode whose start failed watches, to try again once one is saved (a config that does not exist yet too).
   */
  static async configFiles(rootDir: string): Promise<string[]> {
    const here = CONFIG_FILES.map((name) => path.join(path.resolve(rootDir), name));
    const config = await loadConfig(rootDir, { stopDir: repositoryRoot(rootDir) }).catch(() => undefined);
    return [...new Set([...here, ...(config ? [config.file, ...config.services.flatMap((options) => seedPaths(options))] : [])])];
  }

  /** The config file the services come from (watch mode reruns when it changes). */
  get file(): string {
    return this.#file;
  }

  /**
   * Loads `sandpit.config.*` in `rootDir` and starts its services; on any failure nothing is left.
   * `check`: the runner's own check of the config (the names isolated per worker), before anything starts.
   */
  static async open(rootDir: string, { maxWorkers = 1, check }: { maxWorkers?: number; check?: (isolated: string[]) => void } = {}): Promise<RunnerSession> {
    const session = new RunnerSession(rootDir, Math.max(1, maxWorkers));
    try {
      const { file, services, isolation, reuse, setup } = await configured(rootDir, session.maxWorkers);
      check?.(Object.keys(isolation).filter((name) => isolation[name] === 'worker'));
      session.#file = file;
      session.#setups = setup;
      session.#reuse = reuse;
      session.#server = await serveExec((name) => session.#running.get(name)?.service, session.copies);
      await session.#startMissing(services, isolation);
      return session;
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  get services(): Service[] {
    return [...this.#running.values()].map((r) => r.service);
  }

  /** SANDPIT_* variables: the session, name → prefix, the exec server, and each service's fields. */
  env(): Record<string, string> {
    return {
      SANDPIT_SESSION: sessionId,
      // Names and their variable prefixes, so the test side needs no copy of the naming rule.
      SANDPIT_SERVICES: JSON.stringify(Object.fromEntries(this.services.map((s) => [s.name, envPrefix(s.name)]))),
      SANDPIT_EXEC: this.#server?.address ?? '',
      ...Object.assign({}, ...this.services.map((s) => serviceEnv(s))),
      // Which services each worker gets its own copy of; read by the test side (service(), reset()).
      [ISOLATION_ENV]: JSON.stringify(this.#isolated),
    };
  }

  /** The same as env(), as data: what Vitest's `provide` hands to tests. */
  published(): { session: string; exec: string; services: Record<string, TestService>; isolation: IsolationMap } {
    const services: Record<string, TestService> = {};
    for (const s of this.services) {
      const { user, password, database } = s as Partial<Record<'user' | 'password' | 'database', string>>;
      services[s.name] = { url: s.url, host: s.host, port: s.port, containerId: s.containerId, ...(user ? { user, password, database } : {}) } as TestService;
    }
    return { session: sessionId, exec: this.#server?.address ?? '', services, isolation: this.#isolated };
  }

  /**
   * Applies the config as it is now (watch mode): a service whose options did not change keeps running
   * (and its data); a changed one is replaced, as is one whose seed files were edited (`reseeded`); a
   * removed one stops; a new one starts. A config that does not load throws, before anything changed. A start
   * that fails (an init script edited into one that fails) is `failed`, and leaves the running services as they
   * were: replacements start before the services they replace stop. Not one on a port of its own (`port`), which
   * its replacement needs: it stops first and is started again from its options (its seed files as they are
   * now: an edited one may fail again); those that did not start again are `lost`.
   */
  async reload(): Promise<{ stopped: string[]; started: string[]; reseeded: string[]; failed?: { error: unknown; lost: string[] } }> {
    const { services: wanted, isolation, setup, reuse } = await configured(this.rootDir, this.maxWorkers);
    const [setupsBefore, reuseBefore] = [this.#setups, this.#reuse];
    this.#reuse = reuse;
    this.#setups = setup;
    const { keep, reseeded } = this.#compare(wanted);
    const missing = wanted.filter((o) => !keep.has(o.name!));
    const old = [...this.#running].filter(([name]) => !keep.has(name));
    const stopped = old.map(([name]) => name);
    const onPort = (o: StartOptions | undefined) => o !== undefined && 'port' in o && o.port !== undefined;
    const first = old.filter(([name, r]) => onPort(r.from) || onPort(missing.find((o) => o.name === name)));
    const stop = (list: typeof old) => Promise.allSettled(list.map(([, r]) => this.#discard(r)));
    await stop(first);
    const isolated = { ...this.#isolated };
    for (const [name] of old) this.#running.delete(name), delete this.#isolated[name];
    try {
      await this.#startMissing(missing, isolation);
    } catch (error) {
      // As they were: the ones still running back in place, the stopped ones started again (best effort).
      for (const [name, r] of old.filter((entry) => !first.includes(entry))) {
        this.#running.set(name, r);
        if (isolated[name]) this.#isolated[name] = isolated[name];
      }
      const modes = Object.fromEntries(first.map(([name]) => [name, isolated[name] ? 'worker' : 'shared'] as const));
      [this.#setups, this.#reuse] = [setupsBefore, reuseBefore];
      const again = first.length === 0 ? Promise.resolve() : this.#startMissing(first.map(([, r]) => r.from), modes);
      const lost = await again.then(
        () => [],
        () => first.map(([name]) => name),
      );
      return { stopped: [], started: [], reseeded: [], failed: { error, lost } };
    }
    await stop(old.filter((entry) => !first.includes(entry)));
    return { stopped, started: missing.map((o) => o.name!), reseeded };
  }

  /** What reload() would change now, and changes nothing: the services it would stop or start. */
  async drift(): Promise<string[]> {
    const { services: wanted, setup } = await configured(this.rootDir, this.maxWorkers);
    const { keep } = this.#compare(wanted, setup);
    return [...new Set([...this.#running.keys(), ...wanted.map((o) => o.name!)])].filter((name) => !keep.has(name));
  }

  /** The seed files and folders the running services were started from: a watch mode reruns when they change. */
  seedPaths(): string[] {
    return [...this.#running.values()].flatMap((r) => seedPaths(r.from));
  }

  /** The wanted services that run as they are (`keep`), and those that differ only by their seed files' contents. */
  #compare(wanted: StartOptions[], setups = this.#setups): { keep: Set<string>; reseeded: string[] } {
    const running = (o: StartOptions) => this.#running.get(o.name!);
    const keep = new Set(wanted.filter((o) => running(o)?.identity === identity(o, setups)).map((o) => o.name!));
    const same = (o: StartOptions) => JSON.stringify(running(o)?.from) === JSON.stringify(o);
    const reseeded = wanted.filter((o) => !keep.has(o.name!) && same(o)).map((o) => o.name!);
    return { keep, reseeded };
  }

  /**
   * Starts `list`, then prepares the copies per worker of the isolated ones (templates, grants). With warm
   * reuse, those with a setup command start anew (its work is in no snapshot or reset); all or nothing.
   */
  async #startMissing(list: StartOptions[], modes: Record<string, Isolation>): Promise<void> {
    if (!this.#reuse) return this.#startPlain(list, modes);
    const plain = list.filter((o) => this.#setups[o.name!] !== undefined);
    const warm = list.filter((o) => this.#setups[o.name!] === undefined);
    if (warm.length > 0) await this.#startWarm(warm, modes, this.#reuse);
    if (plain.length === 0) return;
    try {
      await this.#startPlain(plain, modes);
    } catch (error) {
      // The warm ones this call took or started go back (their reset at hand-back, as at a run's end).
      const started = warm.map((o) => o.name!);
      const entries = started.map((name) => this.#running.get(name));
      started.forEach((name) => (this.#running.delete(name), delete this.#isolated[name]));
      await Promise.allSettled(entries.map((r) => (r?.release ? r.release() : r?.service.stop())));
      throw error;
    }
  }

  /** Starts `list` as this run's own (removed at its end), runs their setup commands, then prepares the copies. */
  async #startPlain(list: StartOptions[], modes: Record<string, Isolation>): Promise<void> {
    // Imported here: a warm run that takes every service over (#startWarm) never loads the start path.
    const { startAll } = await import('../service/group.js');
    // Before the start: a seed edited while it runs is one the service does not hold.
    const identities = list.map((o) => identity(o, this.#setups));
    const services = await startAll(withWarmup(list, modes));
    try {
      // Before the copies per worker: they hold what the setup commands did (a migration tool's schema).
      await runSetups(services, setupsOf(list, this.#setups), { cwd: path.dirname(this.#file), all: [...this.services, ...services], say: sayOnStderr });
      const isolated = isolationMap(services, list, modes);
      await prepareAll(isolated);
      Object.assign(this.#isolated, isolated);
    } catch (error) {
      await Promise.allSettled(services.map((s) => s.stop()));
      throw error;
    }
    services.forEach((service, i) => this.#running.set(service.name, { service, from: list[i]!, identity: identities[i]! }));
  }

  /** Warm reuse (see startWarm): warm services are handed back at the end, not removed. */
  async #startWarm(list: StartOptions[], modes: Record<string, Isolation>, settings: ReuseSettings): Promise<void> {
    // Every reset is done before this returns: the global setup's own view (and a user's global setup
    // chained after it) must not see an earlier run's data, nor have its writes undone by a late reset.
    const identities = list.map((o) => identity(o, this.#setups));
    const warm = await startWarm(list, settings, modes);
    Object.assign(this.#isolated, isolationMap(warm.services, list, modes));
    this.copies.assumeMade(warm.copied);
    warm.services.forEach((service, i) => {
      const [release, discard] = [warm.releases.get(service.name), warm.discards.get(service.name)];
      this.#running.set(service.name, { service, from: list[i]!, identity: identities[i]!, ...(release ? { release } : {}), ...(discard ? { discard } : {}) });
      if (warm.reused.has(service.name)) this.reused.add(service.name);
      if (warm.replaced.has(service.name)) this.replaced.add(service.name);
    });
  }

  /**
   * Removes a service the config no longer has as it is, a warm one too: handed back, it stayed warm for its
   * idle time (~190 MB a mysql) under options no run of this config takes over, and said "stopped".
   */
  #discard(running: Running): Promise<void> {
    return running.discard ? running.discard() : running.service.stop();
  }

  /**
   * Stops every service (hands warm ones back) and the exec server; safe to call twice. `wait: false`
   * is for a runner's last step: the watchdog removes the containers beside the runner's exit instead
   * of the runner waiting out the engine's kills (see handOff); without a watchdog it waits anyway.
   */
  async close({ wait = true }: { wait?: boolean } = {}): Promise<void> {
    const running = [...this.#running.values()];
    this.#running.clear();
    const handed = !wait && handOff(running.filter((r) => !r.release).map((r) => r.service.containerId));
    const stopping = running.map((r) => (r.release ? r.release() : handed ? undefined : r.service.stop()));
    await Promise.allSettled([...stopping, this.#server?.close()]);
    this.#server = undefined;
  }
}

/**
 * Whether a run's end waits until its containers are removed (`SANDPIT_TEARDOWN=wait`), for scripts
 * that look at the engine the moment the runner exits. By default the watchdog removes them then.
 */
export const waitsAtEnd = (env: NodeJS.ProcessEnv = process.env): boolean => env.SANDPIT_TEARDOWN === 'wait';

async function configured(
  rootDir: string,
  maxWorkers: number,
): Promise<{ file: string; services: StartOptions[]; isolation: Record<string, Isolation>; reuse: ReuseSettings | undefined; setup: Record<string, string> }> {
  // In rootDir, or a folder above it in the same repository (a monorepo's package run alone).
  const config = await loadConfig(rootDir, { stopDir: repositoryRoot(rootDir) });
  if (!config) {
    throw new SandpitError(
      'CONFIG_INVALID',
      `sandpit: no services to start: found no ${CONFIG_PLACES} in ${rootDir}. Add e.g. sandpit.config.json: { "services": { "cache": { "preset": "redis" } } }.`,
      { stage: 'config' },
    );
  }
  // A test run owns its containers: `detached` in a config is for `sandpit up`, not for tests.
  const services = config.services.map((options) => withIsolation({ ...options, detached: false }, config.isolation[options.name ?? ''], maxWorkers));
  const wanted = reuseSettings(config.reuse);
  // A setup command's work is in no snapshot or reset: such a service starts anew each run (#startMissing).
  const withSetup = Object.keys(config.setup);
  if (wanted && withSetup.length > 0 && !warnedSetup) {
    warnedSetup = true;
    const [they, have] = withSetup.length === 1 ? ['it', 'has a setup command'] : ['they', 'have setup commands'];
    process.stderr.write(`sandpit: ${withSetup.join(', ')} ${have}: ${they} start${they === 'it' ? 's' : ''} anew each run, not kept warm\n`);
  }
  return { file: config.file, services, isolation: config.isolation, reuse: wanted && { ...wanted, project: config.file }, setup: config.setup };
}

let warnedSetup = false;

/** What a running service was started from: its options, and its seed files as they were (an edit restarts it). */
const identity = (options: StartOptions, setups: Record<string, string>): string =>
  `${JSON.stringify(options)}\n${seedStamp(options)}\n${setups[options.name ?? ''] ?? ''}`;

/** "cache, box ready in 1.2 s (session …)": the one line a runner prints after setup. */
export const readyLine = (
  services: Service[],
  begun: number,
  { reused = new Set(), replaced = new Set(), file, rootDir, project }: { reused?: Set<string>; replaced?: Set<string>; file?: string; rootDir?: string; project?: string } = {},
): string =>
  // A project of several (Vitest `projects`, each with its services) is named: two packages' `cache` read alike.
  `sandpit: ${services.map((s) => s.name).join(', ')} ready in ${((Date.now() - begun) / 1000).toFixed(1)} s (${project ? `project ${project}, ` : ''}session ${sessionId}` +
  // A config found in a folder above the run's (a package run alone) is named: it is not the one beside it.
  `${file && rootDir && path.dirname(file) !== path.resolve(rootDir) ? `, config ${path.relative(rootDir, file)}` : ''}` +
  `${reused.size ? `, reused: ${[...reused].join(', ')}` : ''}` +
  `${replaced.size ? `, new: ${[...replaced].join(', ')} (an earlier run ran or copied something in ${replaced.size === 1 ? 'it' : 'them'})` : ''})\n`;
