import type Dockerode from 'dockerode';
import type { EngineCalls } from '../docker/calls.js';
import { Readable } from 'node:stream';
import type { ContainerRuntimeClient } from 'testcontainers';
import type { ExecOptions, ExecResult } from '../preset.js';

/** Thin helpers over the Docker API for one container; everything here is one or two calls. */
export function execIn(client: ContainerRuntimeClient, id: string, command: string[], { env = {}, user, workdir }: ExecOptions = {}): Promise<ExecResult> {
  const how = { ...(Object.keys(env).length ? { env } : {}), ...(user ? { user } : {}), ...(workdir ? { workingDir: workdir } : {}) };
  return client.container
    .exec(client.container.getById(id), command, how)
    .then(({ exitCode, stdout, stderr }) => (notFound(exitCode, stdout + stderr) ? commandNotFound(command[0]) : { exitCode, stdout, stderr }));
}

// The runtime's "OCI runtime exec failed: … executable file not found" (exit 126) becomes what a shell says.
const notFound = (exitCode: number, output: string) =>
  (exitCode === 126 || exitCode === 127) && /^OCI runtime exec failed: .*(executable file not found|no such file or directory)/.test(output);

export const commandNotFound = (command = ''): ExecResult => ({ exitCode: 127, stdout: '', stderr: `${command}: command not found\n` });

/**
 * Recent output as text: the last `tail` lines, or with `since` (the engine's clock, as `seconds.nanoseconds`) all
 * lines from then on, each led by its RFC 3339 time (timestamps: the next `since` comes from the last one).
 */
export async function logsOf(client: ContainerRuntimeClient, id: string, tail = 200, since?: string): Promise<string> {
  const container = client.container.getById(id);
  const which = since === undefined ? { tail } : { since: since as unknown as number, timestamps: true };
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false, ...which })) as unknown as Buffer;
  if ((await container.inspect()).Config.Tty) return raw.toString('utf8');
  return unframed(raw);
}

/**
 * Without a TTY, Docker multiplexes stdout and stderr into frames: a type byte, three zeros, a 4-byte big-endian
 * length, then that many bytes. A loop here, not docker-modem's demuxStream: it recurses once per frame, and
 * 5000 lines read at once overflowed the stack ("Maximum call stack size exceeded" in a ready check).
 */
export function unframed(raw: Buffer): string {
  const parts: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(at + 4);
    if (at + 8 + size > raw.length) break; // cut off: half a UTF-8 character is no text
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Copies generated files in before start: works with remote engines, unlike a bind mount of a temp dir. */
export async function copyFiles(container: Dockerode.Container, files: Record<string, string | Uint8Array>): Promise<void> {
  const entries = Object.entries(files);
  if (entries.length === 0) return;
  const { default: tar } = await import('tar-stream'); // not with this module: a warm run never copies (~18 ms of load)
  const pack = tar.pack();
  for (const [path, content] of entries) {
    // A script (`#!`) is run by its path, e.g. a stand-in found on PATH (SnapshotRecipe.endAfterInit).
    const mode = typeof content === 'string' && content.startsWith('#!') ? 0o755 : 0o644;
    pack.entry({ name: path.replace(/^\//, ''), mode }, typeof content === 'string' ? content : Buffer.from(content));
  }
  pack.finalize();
  await container.putArchive(Readable.from(pack), { path: '/' });
}

/** Extracts each archive (a tar stream, read as the engine takes it) at its path before start. */
export async function copyArchives(container: Dockerode.Container, archives: { path: string; open(): NodeJS.ReadableStream }[]): Promise<void> {
  for (const archive of archives) await container.putArchive(archive.open(), { path: archive.path });
}

/** How a container stopped running: its exit code, or none when it was removed. */
export interface Ended {
  code: number | undefined;
  how: string;
}

/** Resolves once the container stops running (it exited, or was removed). */
export function exitOf(engine: EngineCalls, id: string, signal: AbortSignal): Promise<Ended> {
  // Aborted once the start is over: an open wait request would keep the process alive.
  return engine.wait(id, signal).then(
    (result) => ({ code: result.StatusCode, how: `the container exited with code ${result.StatusCode ?? '?'}` }),
    () => ({ code: undefined, how: 'the container was removed' }),
  );
}
