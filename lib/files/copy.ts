import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import type tar from 'tar-stream';
import type { EngineCalls } from '../docker/calls.js';
import { SandpitError } from '../errors.js';
import type { ContainerSpec } from '../preset.js';
import { ownContainer } from '../engine/own-container.js';
import { enginePath } from './engine-path.js';
import { engineSeesLocalFiles } from './visibility.js';

type Mount = NonNullable<ContainerSpec['mounts']>[number];

/** A preset's local folders, as the engine can take them: bind mounts, or folders to copy in. */
export interface PlacedFiles {
  mounts: Mount[];
  /** Copied into the created container before it starts (the engine cannot see them). */
  copies: Mount[];
}

/**
 * Bind mounts when the engine shares this machine's disk, or (in a container of a local engine) when
 * the folder is under one of our container's mounts, at that mount's source; otherwise the folders are
 * copied into the container through the API. A writable mount cannot be honoured by a copy (the
 * service's writes would never reach this machine), so it is refused with what to do instead.
 */
export async function placeFiles(engine: EngineCalls, image: string, service: string, mounts: Mount[]): Promise<PlacedFiles> {
  if (mounts.length === 0 || (await engineSeesLocalFiles(engine, image))) return { mounts, copies: [] };
  // A devcontainer or a CI job given the engine's socket: the workspace is the engine's folder too, so
  // it is mounted (later edits show, writes come back) rather than copied. The engine says where.
  const own = engine.address.local ? await ownContainer(engine) : undefined;
  const onEngine = mounts.map((m) => (own ? enginePath(m.source, own.mounts, { writable: !m.readOnly }) : undefined));
  const translated = mounts.flatMap((m, i) => (onEngine[i] ? [{ ...m, source: onEngine[i] }] : []));
  const left = mounts.filter((_, i) => !onEngine[i]);
  const writable = left.find((m) => !m.readOnly);
  if (writable) {
    throw new SandpitError(
      'INVALID_OPTION',
      own
        ? `${service}: mount ${writable.source} is under none of this container's writable bind mounts, and the engine (${engine.address.uri}) sees nothing else of it. ` +
            'Use a folder under one (a devcontainer\'s workspace), or copy files in and out through the container (exec() in code, `sandpit exec -i` from a shell).'
        : `${service}: mount ${writable.source} needs an engine that sees this machine's files, and ${engine.address.uri} does not (it runs elsewhere). ` +
            'Run the tests where the engine runs, or copy files in and out through the container (exec() in code, `sandpit exec -i` from a shell).',
      { service, stage: 'create', option: 'mount' },
    );
  }
  return { mounts: translated, copies: left };
}

/** Copies each folder's content to its target, keeping modes and owners as a bind mount shows them. */
export async function copyFolders(container: Dockerode.Container, copies: Mount[]): Promise<void> {
  if (copies.length === 0) return;
  const { default: tar } = await import('tar-stream'); // only remote engines copy (~10 ms of load)
  for (const { source, target } of copies) {
    const pack = tar.pack();
    // Streamed: the folder is read as the engine takes it, never held whole in memory.
    const sent = container.putArchive(Readable.from(pack), { path: '/' }).catch((error: unknown) => {
      pack.destroy(error as Error); // stops the reading below too
      throw error;
    });
    const filled = addTree(pack, source, target.replace(/^\/+/, '')).then(() => pack.finalize());
    await Promise.all([sent, filled]);
  }
}

async function addTree(pack: tar.Pack, source: string, name: string): Promise<void> {
  const stat = await lstat(source);
  const header = { name, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid, mtime: stat.mtime };
  if (stat.isDirectory()) {
    await entry(pack, { ...header, type: 'directory' });
    for (const child of (await readdir(source)).sort()) await addTree(pack, path.join(source, child), `${name}/${child}`);
  } else if (stat.isSymbolicLink()) {
    await entry(pack, { ...header, type: 'symlink', linkname: await readlink(source) });
  } else if (stat.isFile()) {
    const stream = pack.entry({ ...header, type: 'file', size: stat.size });
    await pipeline(createReadStream(source), stream);
  }
  // Sockets, fifos and devices have no meaning inside another machine's container: skipped.
}

const entry = (pack: tar.Pack, header: Parameters<tar.Pack["entry"]>[0]) =>
  new Promise<void>((resolve, reject) => pack.entry(header, (error) => (error ? reject(error) : resolve())));
