import os from 'node:os';
import { docker } from '../docker/client.js';
import { LABEL, DETACHED } from './labels.js';
import { removeContainer } from './remove.js';

/**
 * Removes containers whose owning process is gone (a crash the watchdog could not handle,
 * e.g. a reboot). Only sessions started on this host are judged: a pid means nothing elsewhere.
 * Detached services are left alone; `sandpit down` is for those.
 */
export async function prune(): Promise<string[]> {
  const client = await docker();
  const found = await client.container.dockerode.listContainers({
    all: true,
    filters: { label: [LABEL.managed, `${LABEL.host}=${os.hostname()}`] },
  });
  const dead = found.filter((c) => c.Labels[LABEL.session] !== DETACHED && !alive(Number(c.Labels[LABEL.pid])));
  await Promise.allSettled(dead.map((c) => removeContainer(c.Id)));
  return dead.map((c) => c.Id);
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
