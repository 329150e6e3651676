export type SandpitErrorCode =
  | 'DOCKER_UNREACHABLE'
  | 'UNKNOWN_PRESET'
  | 'INVALID_OPTION'
  | 'PORT_IN_USE'
  | 'IMAGE_UNAVAILABLE'
  | 'NOT_READY'
  | 'INIT_SCRIPT_FAILED'
  | 'SNAPSHOT_FAILED'
  | 'CONFIG_INVALID'
  | 'NOT_FOUND'
  | 'NOT_RUNNING'
  | 'NAME_IN_USE'
  | 'TIMEOUT';

export type Stage = 'config' | 'pull' | 'build' | 'create' | 'start' | 'ready' | 'stop';

export interface SandpitErrorDetails {
  /** Service name the error is about, when there is one. */
  service?: string;
  /** Which step of a start failed. */
  stage?: Stage;
  /** The option at fault, so a config error can name its key. */
  option?: string;
  /** Last lines the container printed, for NOT_READY and friends. */
  logs?: string;
  cause?: unknown;
}

/**
 * The one error sandpit throws on purpose. `message` is a first line a person can act on;
 * `code` is for programs; `cause` keeps the underlying error for `--verbose` and debuggers.
 */
export class SandpitError extends Error {
  override readonly name = 'SandpitError';
  readonly code: SandpitErrorCode;
  // Own properties only when set: a runner that prints an error's fields (Vitest's "Serialized Error") showed
  // `service: undefined`, and the container logs the message already ends with, a second time.
  declare readonly service: string | undefined;
  declare readonly stage: Stage | undefined;
  declare readonly option: string | undefined;
  readonly #logs: string | undefined;

  constructor(code: SandpitErrorCode, message: string, details: SandpitErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    const { service, stage, logs, option } = details;
    Object.assign(this, { ...(service === undefined ? {} : { service }), ...(stage === undefined ? {} : { stage }), ...(option === undefined ? {} : { option }) });
    this.#logs = logs;
  }

  /** Last lines the container printed (the message ends with them too): not an own property, which runners print. */
  get logs(): string | undefined {
    return this.#logs;
  }
}

export const isSandpitError = (error: unknown): error is SandpitError => error instanceof SandpitError;

/** A short text for any thrown value, for messages that quote a cause. */
export const describe = (error: unknown): string =>
  error instanceof Error ? error.message.split('\n')[0] || error.name : String(error);

/** A clause ("start it …") as a message's sentence: a fix written to follow a colon also leads a line. */
export const sentence = (clause: string): string => clause.charAt(0).toUpperCase() + clause.slice(1);
