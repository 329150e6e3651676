import type { ContainerRuntimeClient } from 'testcontainers';
import { removeContainer } from '../cleanup/remove.js';
import type { PresetName, Service } from '../types.js';
import { execIn, logsOf } from './container.js';
import { whyNotRunning } from './not-running.js';
import type { ExecResult } from '../preset.js';

/** What is known of a running service, however it was found (started here, or listed). */
export interface ServiceFields {
  name: string;
  preset: PresetName | 'custom';
  containerId: string;
  host: string;
  port: number;
  ports: Record<number, number>;
  url: string;
  /** A command line to paste (`redis-cli -h … -p …`); '' when the preset has none. */
  clientCommand: string;
  /** mysql's user/password/database/rootPassword. */
  extras: Record<string, string>;
}

// Declaration merging: the fields are assigned in the constructor, declared once here.
export interface StartedService extends Readonly<Omit<ServiceFields, 'extras'>> {}

/** What `start()` returns. */
export class StartedService implements Service {
  readonly #client: ContainerRuntimeClient;
  #stopping: Promise<void> | undefined;

  constructor({ extras, client, ...fields }: ServiceFields & { client: ContainerRuntimeClient }) {
    Object.assign(this, fields, extras);
    this.#client = client;
  }

  exec(command: string[], env?: Record<string, string>): Promise<ExecResult> {
    return execIn(this.#client, this.containerId, command, env).catch((error: unknown) => this.#explain(error));
  }

  logs({ tail = 200 }: { tail?: number } = {}): Promise<string> {
    return logsOf(this.#client, this.containerId, tail).catch((error: unknown) => this.#explain(error));
  }

  async #explain(error: unknown): Promise<never> {
    throw await whyNotRunning(this.#client, this.containerId, this.name, error);
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
