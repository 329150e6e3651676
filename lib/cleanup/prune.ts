import { alive } from './alive.js';
import { engineCalls } from '../docker/calls.js';
import { LABEL, DETACHED, machine } from './labels.js';
import { removeIdleReused, sweepOrphanNotes } from './reused.js';
import { removeContainer } from './remove.js';

/**
 * Removes containers whose owning process is gone (a crash the watchdog could not handle,
 * e.g. a reboot). Only sessions started on this machine (hostname and pid namespace: labels.ts)
 * are judged: a pid means nothing elsewhere.
 * Detached services are left alone; `sandpit down` is for those. Reused ones (warm between runs)
 * have their own reaper; `sandpit prune` passes `reused` to remove those nobody holds now.
 */
export async function prune({ reused = false, olderThanMs = 0 }: { reused?: boolean; olderThanMs?: number } = {}): Promise<string[]> {
  const found = await (await engineCalls()).list({ label: [LABEL.managed, `${LABEL.host}=${machine}`] });
  const bornBefore = (Date.now() - olderThanMs) / 1000; // Docker's Created is in seconds
  const dead = found.filter(
    (c) => c.Labels[LABEL.session] !== DETACHED && c.Created <= bornBefore && !alive(Number(c.Labels[LABEL.pid])),
  );
  await Promise.allSettled(dead.map((c) => removeContainer(c.Id)));
  const warm = found.filter((c) => c.Labels[LABEL.reuse] !== undefined);
  const idle = reused ? await removeIdleReused(warm) : [];
  // And the notes of warm containers gone by other means, as the reaper sweeps them.
  if (reused) sweepOrphanNotes(warm.filter((c) => !idle.includes(c.Id)));
  return [...dead.map((c) => c.Id), ...idle];
}
