/** What a command run in a service's container gave. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** How a command is run in a service's container: as `docker exec`'s `-e`, `-u` and `-w`. */
export interface ExecOptions {
  /** Variables for this command only, over the preset's own (mysql's MYSQL_PWD). */
  env?: Record<string, string>;
  /** `root`, `1000`, `1000:1000`: as `docker exec -u`. Default: the image's user. */
  user?: string;
  /** Where the command starts. Default: the image's working directory. */
  workdir?: string;
}

/** How an option is described to users (CLI flags, config validation, error messages). */
export interface OptionSpec {
  type: 'string' | 'number' | 'boolean' | 'string[]' | 'number[]' | 'object';
  describe: string;
}

/**
 * An image sandpit can build from Debian packages when the official one is neither local nor
 * pullable. `dockerfile` starts `FROM {{base}}`; `files` are extra build-context files.
 */
export interface OfflineImage {
  dockerfile: string;
  files?: Record<string, string>;
  /** The Debian suite of its base (one debootstrapped base per suite); default bookworm. */
  suite?: string;
  /** The Debian package that is the server, and the name `images ls` gives it with its version. */
  server?: { name: string; package: string };
}

/** What a preset adds to the container it starts. */
export interface ContainerSpec {
  env?: Record<string, string>;
  command?: string[];
  /** host path → container path, read-only unless `rw` */
  mounts?: { source: string; target: string; readOnly: boolean }[];
  /** An init process as PID 1, so a stop is instant for images whose command ignores SIGTERM. */
  init?: boolean;
  /** Where the command and every exec() run. */
  workingDir?: string;
  /** Replaces the image's entrypoint (lib/files/at-start.ts puts a shell in front of it). */
  entrypoint?: string[];
}

/** A started container as a preset's probe and hooks see it. */
export interface Target {
  host: string;
  port: number;
  exec(command: string[]): Promise<ExecResult>;
  logs(): Promise<string>;
  /** Every line from `since` on (the engine's time, `seconds.nanoseconds`; '0': from the start), each led by its RFC 3339 time. */
  logsSince(since: string): Promise<string>;
  /** Whether the container runs now (one inspect). */
  running(): Promise<boolean>;
}

export interface Preset<Options extends object = Record<string, unknown>, Resolved extends object = Options> {
  name: string;
  summary: string;
  /** Official image with a pinned tag. */
  image: string;
  offline: OfflineImage;
  /** Service port inside the container; absent for presets with no network service. */
  containerPort?: number;
  /** More container ports to publish (custom images). */
  extraPorts?: number[];
  /** The host port `port: 'standard'` asks for. */
  standardPort?: number;
  /** Still booting for a second or more once its container runs (mysql): started first in a group. */
  bootsSlowly?: boolean;
  /** Log lines that say nothing about a failure (mysql's NUMA warnings in a container): left out of an error's last lines. */
  logNoise?: RegExp;
  /**
   * Changed only through exec() or copies into its container: using it writes no data of its own (a
   * web server of a folder, a shell). Warm reuse takes such a one over while no event but reads followed its start.
   */
  keepsNoData?: boolean;
  options: { [K in keyof Options]-?: OptionSpec };
  /** Fills defaults (random passwords…) and checks values; throws SandpitError('INVALID_OPTION'). */
  resolve(options: Options): Promise<Resolved> | Resolved;
  container(options: Resolved): ContainerSpec;
  /**
   * Files (container path → content) copied in before the container starts. `fromSnapshot`: the container
   * runs a snapshot's image, or is the one a snapshot is taken of (its build passes the files it needs).
   */
  files?(options: Resolved, start: { fromSnapshot: boolean }): Record<string, string | Uint8Array>;
  /** Tar streams extracted into the container before it starts, at `path`: large files (init scripts) stay streams. */
  archives?(options: Resolved): { path: string; open(): NodeJS.ReadableStream }[];
  /** Why the container stopped before it was ready, read from its log (a failed init script…), if the log says. */
  explainStop?(logs: string, options: Resolved): Promise<Error | undefined>;
  /** A line worth showing even in quiet output, about how these options are served. */
  notice?(options: Resolved): string | undefined;
  /** Loads what `probe` needs, early, so the first probe does not pay for imports. */
  warmup?(): Promise<unknown>;
  /** One attempt; throws while the service does not answer. Polled until it passes. */
  probe(target: Target, options: Resolved): Promise<void>;
  /** Work that must finish before the service counts as ready (init scripts…). */
  prepare?(target: Target, options: Resolved): Promise<void>;
  url(target: { host: string; port: number }, options: Resolved): string;
  /** A command line a person can paste to talk to the service (`mysql -h … -P …`). */
  client?(target: { host: string; port: number }, options: Resolved): string;
  /** Extra public fields of the started service (mysql's user/password/database). */
  extras?(options: Resolved): Record<string, string>;
  /**
   * Variables a command run in the container (exec, from a test or `sandpit exec`) gets unless the caller sets
   * them, from the service's extras: mysql's MYSQL_PWD, so that `mysql` logs in as a person expects.
   */
  execEnv?(command: readonly string[], extras: Record<string, string>): Record<string, string>;
  /** How the state after init scripts is captured once as an image and reused (lib/snapshots). */
  snapshot?: SnapshotRecipe<Resolved>;
}

/**
 * What a preset tells lib/snapshots. The snapshot's data must live outside any VOLUME the image
 * declares: `docker commit` leaves volumes out.
 */
export interface SnapshotRecipe<Resolved> {
  /** Options that shape the data (database, user…): part of the snapshot's key. */
  shapes(options: Resolved): Record<string, unknown>;
  /** Init-script entries (files, folders or inline text); their bytes are part of the key. */
  scripts(options: Resolved): string[];
  /** Worth a snapshot with no scripts too: mysql's data directory takes seconds to initialise. */
  always: boolean;
  /** The server command, its data kept outside every declared VOLUME; to take the snapshot and to start from it. */
  command(options: Resolved, spec: ContainerSpec): string[];
  /** Working directory of those containers (redis' entrypoint hands its working directory to the server's user). */
  workingDir?: string;
  /** Options for the container the snapshot is taken from: fresh secrets, so the image keeps none of a user's. */
  throwaway(options: Resolved): Resolved;
  /**
   * In the ready build container: write everything to `dataDir` before the container is stopped. A reason
   * returned says this data cannot be kept as it is (a start from it would differ from running the scripts
   * then): the image is kept only as that answer, and starts run the scripts each time (lib/snapshots).
   */
  seal?(target: Omit<Target, 'logsSince'>, options: Resolved): Promise<string | undefined>;
  /** Options for a start from the snapshot: the scripts are already in it and must not run again. */
  reuse(options: Resolved): Resolved;
  /**
   * Per-start secrets for a start from the snapshot: files copied in before it starts, and server arguments.
   * `given`: the start's options before reuse() (whether it had scripts).
   */
  restore?(options: Resolved, given: Resolved): { files: Record<string, string>; args: string[] };
  /**
   * For a start from the snapshot: the server's program and first arguments, from the base image's
   * command (e.g. ['mysqld']), to run without the image's entrypoint, whose first-start work the
   * snapshot holds. Undefined (for a command it does not know) keeps the entrypoint.
   */
  server?(baseCommand: string[]): string[] | undefined;
  /** How the container the snapshot is taken from differs from a start from the snapshot. */
  build?: SnapshotBuild;
}

export interface SnapshotBuild {
  /** Its arguments, from `command`'s (mysql: a larger redo log while the scripts load). */
  args?(command: string[]): string[];
  /** Files copied in before it starts (mysql: a last init script, which shrinks the redo log again). */
  files?: Record<string, string>;
  /**
   * A stand-in for the server's program, found first on its PATH. The image's entrypoint runs the
   * program to read its settings, to initialise and as its temporary server for the init scripts; the
   * stand-in passes those to the real one, and where the entrypoint would start the server to serve, it
   * ends the container instead: the data is complete and cleanly shut down, and there is no server to
   * start and stop again before the commit (~2 s for mysql here). An entrypoint that never runs it leaves a
   * serving container, stopped cleanly as without one.
   */
  endAfterInit?: {
    program: string;
    script: string;
    /**
     * The stand-in's exit code, and only its: a sourced init script's `exit 0` also ends the entrypoint,
     * half-way, and must stay a failure. A code rather than a line in the log: every engine reports it,
     * whatever the container's log driver.
     */
    exitCode: number;
  };
}
