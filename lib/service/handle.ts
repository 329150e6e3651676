import type { ContainerRuntimeClient } from 'testcontainers';
import { docker } from '../docker/client.js';
import { SandpitError } from '../errors.js';
import { removeContainer } from '../cleanup/remove.js';
import type { PresetName, Service } from '../types.js';
import { presetByName } from '../presets/index.js';
import { execIn, logsOf } from './container.js';
import { whyNotRunning } from './not-running.js';
import type { ExecOptions, ExecResult } from '../preset.js';
import type { Endpoint } from './internal.js';

/** What is known of a running service, however it was found (started here, or listed). */
export interface ServiceFields {
  name: string;
  preset: PresetName | 'custom';
  containerId: string;
  host: string;
  port: number;
  ports: Record<number, number>;
  url: string;
  /** How other containers on the engine reach it (lib/service/internal.ts); absent with no network address or service port. */
  internal?: Endpoint;
  /** A command line to paste (`redis-cli -h … -p …`); '' when the preset has none. */
  clientCommand: string;
  /** mysql's user/password/database/rootPassword. */
  extras: Record<string, string>;
}

// Declaration merging: the fields are assigned in the constructor, declared once here.
export interface StartedService extends Readonly<Omit<ServiceFields, 'extras'>> {}

/** What `start()` returns. */
export class StartedService implements Service {
  #stopping: Promise<void> | undefined;

  // No client held: docker() gives every caller the one connected client, and connects only when
  // first used, so a service taken over from an earlier run costs no connect until it is (lib/reuse).
  readonly #extras: Record<string, string>;

  constructor({ extras, ...fields }: ServiceFields) {
    Object.assign(this, fields, extras);
    this.#extras = extras;
  }

  async exec(command: string | string[], options: ExecOptions = {}): Promise<ExecResult> {
    // Its second argument was the variables alone: a caller from then (plain JavaScript) would lose them unsaid.
    const stray = Object.keys(options).filter((key) => !['env', 'user', 'workdir'].includes(key));
    if (stray.length > 0) {
      throw new SandpitError('INVALID_OPTION', `Give exec()'s variables as { env: { ${stray[0]}: … } }: its second argument is { env, user, workdir } (${stray.join(', ')} is none of them).`);
    }
    const { env, ...how } = options;
    // A string, as the Jest and Vitest exec() take one: it was a TypeError (command.join) from plain JavaScript.
    const argv = typeof command === 'string' ? ['sh', '-c', command] : command;
    const client = await docker();
    return execIn(client, this.containerId, argv, { ...how, env: { ...this.execEnv(argv), ...env } }).catch((error: unknown) => this.#explain(client, error));
  }

  /** What a command run in it gets from its preset (mysql: MYSQL_PWD, so `mysql` logs in; `sandpit exec`'s terminal path too). */
  execEnv(argv: readonly string[]): Record<string, string> {
    return this.preset === 'custom' ? {} : (presetByName(this.preset).execEnv?.(argv, this.#extras) ?? {});
  }

  async logs({ tail = 200 }: { tail?: number } = {}): Promise<string> {
    const client = await docker();
    return logsOf(client, this.containerId, tail).catch((error: unknown) => this.#explain(client, error));
  }

  async #explain(client: ContainerRuntimeClient, error: unknown): Promise<never> {
    throw await whyNotRunning(client, this.containerId, this.name, error);
  }

  stop(): Promise<void> {
    // A failed removal (the engine hiccupped) must not stick: the next stop() tries again.
    this.#stopping ??= removeContainer(this.containerId).catch((error: unknown) => {
      this.#stopping = undefined;
      throw error;
    });
    return this.#stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
