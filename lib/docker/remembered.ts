import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ContainerRuntimeClient } from 'testcontainers';

/**
 * The local engine the last full connect settled on (its socket, and the host testcontainers
 * reaches it at), so that a later process can talk to the same engine without loading the
 * testcontainers runtime first (~240 ms to import, ~110 ms of info/version calls, measured here).
 * Only a warm run's few reads use it (lib/reuse); anything that creates or changes containers
 * connects in full. Kept per user in the temp dir, beside the reuse locks.
 */
export interface RememberedEngine {
  /** What chose the engine when it was remembered (client.ts: engineChoice): DOCKER_HOST or context, properties file. */
  selection: string;
  /** TESTCONTAINERS_HOST_OVERRIDE as it was: it changes the host testcontainers reports. */
  override: string;
  socketPath: string;
  /** client.info.containerRuntime.host: where ports not bound to loopback are reached. */
  host: string;
}

const recordFile = (): string => path.join(os.tmpdir(), `sandpit-engine-${typeof process.getuid === 'function' ? process.getuid() : 'user'}.json`);

/** Remembers a connected client reached through a local socket; a failure to write is only a missed shortcut. */
export function rememberEngine(client: ContainerRuntimeClient, selection: string): void {
  const { socketPath } = client.container.dockerode.modem as { socketPath?: unknown };
  if (typeof socketPath !== 'string' || socketPath === '') return;
  const record: RememberedEngine = { selection, override: process.env.TESTCONTAINERS_HOST_OVERRIDE ?? '', socketPath, host: client.info.containerRuntime.host };
  const text = JSON.stringify(record);
  try {
    const file = recordFile();
    if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
    // Written aside and renamed: a reader never sees half a record.
    writeFileSync(`${file}.${process.pid}`, text, { mode: 0o600 });
    renameSync(`${file}.${process.pid}`, file);
  } catch {
    // An unwritable temp dir costs the next warm run its shortcut, nothing else.
  }
}

/**
 * The remembered engine, when it is still the one a full connect would choose: the same choice
 * (`selection`), the same host override, and its socket still there. Otherwise undefined.
 */
export function rememberedEngine(selection: string): RememberedEngine | undefined {
  try {
    const file = recordFile();
    // The temp dir is shared: a record another user could have written may name a socket of theirs,
    // answering with "containers" whose ports are theirs. Only our own, unwritable by others, is used.
    const { uid, mode } = statSync(file);
    if ((typeof process.getuid === 'function' && uid !== process.getuid()) || (mode & 0o022) !== 0) return undefined;
    const record = JSON.parse(readFileSync(file, 'utf8')) as Partial<RememberedEngine>;
    const fits =
      record.selection === selection &&
      record.override === (process.env.TESTCONTAINERS_HOST_OVERRIDE ?? '') &&
      typeof record.socketPath === 'string' &&
      typeof record.host === 'string' &&
      existsSync(record.socketPath);
    return fits ? (record as RememberedEngine) : undefined;
  } catch {
    return undefined;
  }
}
