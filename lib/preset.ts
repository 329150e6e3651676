/** What a command run in a service's container gave. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** How an option is described to users (CLI flags, config validation, error messages). */
export interface OptionSpec {
  type: 'string' | 'number' | 'string[]' | 'number[]' | 'object';
  describe: string;
}

/**
 * An image sandpit can build from Debian packages when the official one is neither local nor
 * pullable. `dockerfile` starts `FROM {{base}}`; `files` are extra build-context files.
 */
export interface OfflineImage {
  dockerfile: string;
  files?: Record<string, string>;
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
}

/** A started container as a preset's probe and hooks see it. */
export interface Target {
  host: string;
  port: number;
  exec(command: string[]): Promise<ExecResult>;
  logs(): Promise<string>;
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
  options: { [K in keyof Options]-?: OptionSpec };
  /** Fills defaults (random passwords…) and checks values; throws SandpitError('INVALID_OPTION'). */
  resolve(options: Options): Promise<Resolved> | Resolved;
  container(options: Resolved): ContainerSpec;
  /** Files (container path → content) copied in before the container starts. */
  files?(options: Resolved): Record<string, string | Uint8Array>;
  /** A line worth showing even in quiet output, about how these options are served. */
  notice?(options: Resolved): string | undefined;
  /** Loads what `probe` needs, early, so the first probe does not pay for imports. */
  warmup?(): Promise<unknown>;
  /** One attempt; throws while the service does not answer. Polled until it passes. */
  probe(target: Target, options: Resolved): Promise<void>;
  /** Work that must finish before the service counts as ready (init scripts…). */
  prepare?(target: Target, options: Resolved): Promise<void>;
  url(target: { host: string; port: number }, options: Resolved): string;
  /** Extra public fields of the started service (mysql's user/password/database). */
  extras?(options: Resolved): Record<string, string>;
}
