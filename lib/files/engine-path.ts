import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { OwnMount } from '../engine/own-container.js';

/**
 * Where the engine finds our folder `local` when this process runs in a container of that engine: a
 * folder under one of our container's mounts is, on the engine's side, under that mount's source (a
 * devcontainer's /workspaces/app is the host's ~/src/app). The innermost mount wins (a volume over
 * node_modules inside the workspace). Undefined when no mount holds it (our container's own files).
 */
export function enginePath(local: string, mounts: OwnMount[]): string | undefined {
  const real = realpathSync(local); // the mount table holds real paths; the option may go through a symlink
  let holder: OwnMount | undefined;
  for (const mount of mounts) {
    const within = real === mount.destination || real.startsWith(mount.destination.replace(/\/?$/, '/'));
    if (within && (!holder || mount.destination.length > holder.destination.length)) holder = mount;
  }
  return holder ? path.posix.join(holder.source, path.posix.relative(holder.destination, real)) : undefined;
}
