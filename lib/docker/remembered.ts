import { existsSync, lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ContainerRuntimeClient } from 'testcontainers';
import { dockerEndpoints } from './endpoints.js';

/**
 * The local engine the last full connect settled on (its socket, and the host testcontainers
 * reaches it at), so that a later process can talk to the same engine without loading the
 * testcontainers runtime first (~240 ms to import, ~110 ms of info/version calls, measured here).
 * A warm run's reads use it (lib/reuse), and so do a start's own calls, create to remove
 * (calls.ts); copies, exec, logs, pulls and builds connect in full. Kept per user in the temp dir,
 * beside the reuse locks.
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
  const file = recordFile();
  const aside = `${file}.${process.pid}`;
  let written = false;
  try {
    if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
    // Written aside and renamed: a reader never sees half a record. 'wx' never follows a link
    // planted at that name in the shared temp dir.
    writeFileSync(aside, text, { mode: 0o600, flag: 'wx' });
    written = true;
    renameSync(aside, file);
  } catch {
    // An unwritable temp dir costs the next warm run its shortcut, nothing else.
    if (written) rmSync(aside, { force: true });
  }
}

/**
 * The remembered engine, when it is still the one a full connect would choose: the same choice
 * (`selection`), the same host override, and its socket still there, and, when nothing names an
 * engine, still the first socket testcontainers would try (another may have appeared since, e.g.
 * Docker Desktop started). Otherwise undefined.
 */
export function rememberedEngine(selection: string): RememberedEngine | undefined {
  try {
    const file = recordFile();
    if (!ours(file)) return undefined;
    const record = JSON.parse(readFileSync(file, 'utf8')) as Partial<RememberedEngine>;
    const fits =
      record.selection === selection &&
      record.override === (process.env.TESTCONTAINERS_HOST_OVERRIDE ?? '') &&
      typeof record.socketPath === 'string' &&
      typeof record.host === 'string' &&
      existsSync(record.socketPath) &&
      (selection !== '' || firstLocalSocket() === record.socketPath);
    return fits ? (record as RememberedEngine) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The temp dir is shared: a record another user wrote could name a socket of theirs, answering with
 * "containers" whose ports are theirs. Only a plain file of ours that others cannot write is used
 * (Windows' temp dir is per user, and its modes say nothing).
 */
function ours(file: string): boolean {
  const stat = lstatSync(file);
  if (!stat.isFile()) return false;
  if (process.platform === 'win32') return true;
  return (typeof process.getuid !== 'function' || stat.uid === process.getuid()) && (stat.mode & 0o022) === 0;
}

/** The socket testcontainers tries first when nothing names an engine (in its order: endpoints.ts). */
const firstLocalSocket = (): string | undefined =>
  dockerEndpoints()
    .find((e) => e.uri.startsWith('unix://') && e.exists)
    ?.uri.slice('unix://'.length);
