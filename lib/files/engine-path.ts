import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { OwnMount } from '../engine/own-container.js';

/**
 * Where the engine finds our folder `local` when this process runs in a container of that engine: a
 * folder under one of our container's bind mounts is, on the engine's side, under that mount's source
 * (a devcontainer's /workspaces/app is the host's ~/src/app). The innermost mount decides: a volume or
 * a tmpfs over part of the workspace is not the bind's source, and those are not translated (a
 * volume's source is inside the engine's own store, which Docker Desktop does not take as a bind).
 * A writable use needs a writable mount: a folder we may only read must not come back writable.
 * Undefined when no such mount holds it (our container's own files): it is copied or refused instead.
 */
export function enginePath(local: string, mounts: OwnMount[], { writable }: { writable: boolean }): string | undefined {
  let real: string;
  try {
    real = realpathSync(local); // the mount table holds real paths; the option may go through a symlink
  } catch {
    return undefined; // gone since it was checked: the copy reports it
  }
  let holder: OwnMount | undefined;
  for (const mount of mounts) {
    const within = real === mount.destination || real.startsWith(mount.destination.replace(/\/?$/, '/'));
    if (within && (!holder || mount.destination.length > holder.destination.length)) holder = mount;
  }
  if (!holder || holder.type !== 'bind' || !holder.source || (writable && !holder.writable)) return undefined;
  return path.posix.join(holder.source, path.posix.relative(holder.destination, real));
}
