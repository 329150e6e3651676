import type Dockerode from 'dockerode';
import type { EngineCalls } from '../docker/calls.js';
import { PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
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

export async function logsOf(client: ContainerRuntimeClient, id: string, tail = 200): Promise<string> {
  const container = client.container.getById(id);
  const raw = (await container.logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer;
  if ((await container.inspect()).Config.Tty) return raw.toString('utf8');
  // Without a TTY, Docker multiplexes stdout and stderr into framed chunks.
  const chunks: Buffer[] = [];
  const sink = new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk));
  const source = Readable.from([raw]);
  client.container.dockerode.modem.demuxStream(source, sink, sink);
  await finished(source);
  return Buffer.concat(chunks).toString('utf8');
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
