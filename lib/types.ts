import type { HttpdOptions, MysqlOptions, PresetName, RedisOptions, UbuntuOptions } from './presets/index.js';
import type { Stage } from './errors.js';
import type { ExecOptions, ExecResult } from './preset.js';

export type { ExecOptions, ExecResult, PresetName };

/** Progress of a start, for spinners and logs. `notice` lines are worth showing even when quiet. */
export interface ProgressEvent {
  service: string;
  stage: Stage;
  message: string;
  notice?: boolean;
}

export interface CommonOptions {
  /** Service name: labels, `SANDPIT_<NAME>_*` variables, `sandpit exec <name>`. Default: the preset. */
  name?: string;
  /** Use this image instead of the preset's official one. */
  image?: string;
  /** Host port: unset = any free one (race-free); N = exactly N; 'standard' = the usual one if free. */
  port?: number | 'standard';
  /** Where ports are published. Default 127.0.0.1: a throwaway database must not face the LAN. */
  bindAddress?: string;
  /** Milliseconds to wait for the service to answer. Default 60000 or SANDPIT_STARTUP_TIMEOUT. */
  startupTimeout?: number;
  /**
   * Leave the container running after this process ends (`sandpit up --detach`), once started: a process
   * that ends before start() resolves leaves none. Its name is unique in its project: SANDPIT_PROJECT, else
   * the current folder.
   */
  detached?: boolean;
  onProgress?: (event: ProgressEvent) => void;
  /** Extra container labels. Not in sandpit's own namespace (`sandpit`, `sandpit.*`): those decide who removes the container. */
  labels?: Record<string, string>;
  /**
   * mysql, and redis with init scripts: start from a snapshot of the data as the first start left it
   * (taken then), so later starts skip initialisation and scripts. Default true; false here or
   * SANDPIT_SNAPSHOTS=0 runs them on every start.
   */
  snapshot?: boolean;
}

export interface PresetOptionsMap {
  httpd: HttpdOptions;
  mysql: MysqlOptions;
  redis: RedisOptions;
  ubuntu: UbuntuOptions;
}

export type PresetStartOptions<P extends PresetName = PresetName> = {
  [K in P]: { preset: K } & CommonOptions & PresetOptionsMap[K];
}[P];

/** How a custom image says it is ready. A TCP connect is weak: Docker's proxy accepts early. */
/** `command`: an argv list, or a string run through `sh -c` (as `exec()` takes one). */
export type ReadyCheck = { http: string } | { tcp: true } | { log: string | RegExp } | { command: string | string[] };

export interface CustomStartOptions extends CommonOptions {
  image: string;
  /** Container ports to publish; the first is `port`/`url`. */
  ports?: number[];
  env?: Record<string, string>;
  command?: string[];
  ready?: ReadyCheck;
}

export type StartOptions = PresetStartOptions | CustomStartOptions;

export interface Service {
  readonly name: string;
  /** The preset, or 'custom'. */
  readonly preset: PresetName | 'custom';
  readonly containerId: string;
  readonly host: string;
  /** Host port of the service's main port (0 for ubuntu, which has none). */
  readonly port: number;
  /** Host ports by container port, for custom images with several. */
  readonly ports: Readonly<Record<number, number>>;
  readonly url: string;
  /**
   * How another container on the same engine reaches it (an app container started beside its database):
   * the service container's address on their network and its own port, e.g. `redis://172.17.0.3:6379`.
   * `url` names 127.0.0.1, which in another container is that container. Absent for ubuntu (no service port).
   */
  readonly internal?: { readonly host: string; readonly port: number; readonly url: string };
  /** A command line to paste (`mysql -h … -P … -u … -p… db`, `redis-cli …`, `curl …`); '' when there is none. */
  readonly clientCommand: string;
  /** Runs a command in the container (a string through `sh -c`, as the test side's exec()), as `docker exec` would with `options`' -e, -u and -w. */
  exec(command: string | string[], options?: ExecOptions): Promise<ExecResult>;
  /** Recent output as text. */
  logs(options?: { tail?: number }): Promise<string>;
  /** Removes the container. Safe to call twice; `await using` calls it. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface MysqlService extends Service {
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** root's password, for a test that creates databases. */
  readonly rootPassword: string;
}

export interface RedisService extends Service {
  /** The password it was started with (`password`); absent without one. */
  readonly password?: string;
}

type ServiceFor<P> = P extends 'mysql' ? MysqlService : P extends 'redis' ? RedisService : Service;

/**
 * The options a start of `O` may hold: its preset's (or a custom image's) and the common ones. start()'s
 * options are a generic (`const O`, which types each service), and TypeScript checks no excess keys on a
 * generic: `initScript: [...]` compiled, and failed only when it ran. A key outside these is `never` here.
 */
type Allowed<O> = O extends { preset: infer P extends PresetName } ? PresetStartOptions<P> : O extends { image: string } ? CustomStartOptions : unknown;
// Optional: TypeScript gives a branch of `flag ? { preset: 'redis' } : { preset: 'mysql', database }` the other's
// keys as `?: undefined`, which a required `never` refused.
export type NoExtraKeys<O> = O extends object ? O & { [K in Exclude<keyof O, keyof Allowed<O>>]?: never } : O;

export type StartedFrom<O> = O extends PresetName
  ? ServiceFor<O>
  : O extends { preset: infer P }
    ? ServiceFor<P>
    : Service;
