import type { ContainerInfo } from 'dockerode';
import { alive } from './alive.js';
import { engineCalls } from '../docker/calls.js';
import { LABEL, DETACHED, machine } from './labels.js';
import { held, removeIdleReused, sweepOrphanNotes } from './reused.js';
import { removeContainer } from './remove.js';
import { sweepExecFolders } from './exec-folders.js';
import { sweepVisibilityFolders } from './visibility-folders.js';
import type { Inspects } from '../engine/own-container.js';

export interface PruneOptions {
  /** Also warm (reused) containers that no run holds now. */
  reused?: boolean;
  /** Only containers at least this old (the background sweep leaves a dying session's to its watchdog). */
  olderThanMs?: number;
  /** Remove nothing: only say what would go. */
  dryRun?: boolean;
}

/** A container prune removed (or, in a dry run, would remove), and why. */
export interface Pruned {
  id: string;
  name: string;
  why: string;
}

/**
 * Removes containers whose owning process is gone (a crash the watchdog could not handle,
 * e.g. a reboot). Only sessions started on this machine (hostname and pid namespace: labels.ts)
 * are judged: a pid means nothing elsewhere.
 * Detached services are left alone; `sandpit down` is for those. Reused ones (warm between runs)
 * have their own reaper; `sandpit prune` passes `reused` to remove those nobody holds now.
 * Returns the ids removed (a dry run: that would be).
 */
export async function prune(options: PruneOptions = {}): Promise<string[]> {
  return (await pruneListed(options)).map((p) => p.id);
}

/** prune(), with each container's service name and the reason it goes: what `sandpit prune` prints. */
export async function pruneListed({ reused = false, olderThanMs = 0, dryRun = false }: PruneOptions = {}): Promise<Pruned[]> {
  const engine = await engineCalls();
  const all = await engine.list({ label: [LABEL.managed] });
  const found = all.filter((c) => c.Labels[LABEL.host] === machine);
  const bornBefore = (Date.now() - olderThanMs) / 1000; // Docker's Created is in seconds
  const dead = found.filter(
    (c) => c.Labels[LABEL.session] !== DETACHED && c.Created <= bornBefore && !alive(Number(c.Labels[LABEL.pid])),
  );
  const orphans = await orphanedByContainer(engine, all.filter((c) => c.Labels[LABEL.host] !== machine && c.Labels[LABEL.session] !== DETACHED && c.Created <= bornBefore));
  const warm = found.filter((c) => c.Labels[LABEL.reuse] !== undefined);
  const listed = (list: ContainerInfo[], why: (c: ContainerInfo) => string): Pruned[] =>
    list.map((c) => ({ id: c.Id, name: c.Labels[LABEL.name] || c.Id.slice(0, 12), why: why(c) }));
  const deadListed = [
    ...listed(dead, (c) => `its process ${c.Labels[LABEL.pid]} is gone`),
    ...listed(orphans, (c) => `the container its process ran in (${c.Labels[LABEL.ownerContainer]!.slice(0, 12)}) is gone`),
  ];
  dead.push(...orphans);
  const idleWhy = () => 'kept warm (reuse), and no run holds it';
  if (dryRun) {
    // Asked, not taken: a run may claim one before a real prune would.
    const idle = reused ? (await Promise.all(warm.map(async (c) => ((await held(c.Labels[LABEL.claim] ?? c.Id)) ? [] : [c])))).flat() : [];
    return [...deadListed, ...listed(idle, idleWhy)];
  }
  const removals = await Promise.allSettled(dead.map((c) => removeContainer(c.Id)));
  const idle = reused ? await removeIdleReused(warm) : [];
  // And the notes of warm containers gone by other means, as the reaper sweeps them, and exec servers'
  // folders of runs killed outright, and their engine checks' folders (only `sandpit prune`, as the notes: not the
  // background sweep of each start).
  if (reused) {
    sweepOrphanNotes(warm.filter((c) => !idle.includes(c.Id)));
    await sweepExecFolders().catch(() => {});
    try {
      sweepVisibilityFolders();
    } catch {
      // The temp dir unreadable: nothing of ours to sweep there.
    }
  }
  // Only what is gone: a removal the engine refused is not said done.
  return [...deadListed.filter((_, i) => removals[i]!.status === 'fulfilled'), ...listed(warm.filter((c) => idle.includes(c.Id)), idleWhy)];
}

/**
 * Sessions of another pid namespace whose owner ran in a container of this engine that no longer runs (its
 * label: labels.ts ownerContainer): `docker kill` of a CI job container took the owner and its watchdog at
 * once. A pid means nothing from here; the container's state does. One inspect per such container.
 */
async function orphanedByContainer(engine: Inspects, candidates: ContainerInfo[]): Promise<ContainerInfo[]> {
  const owners = [...new Set(candidates.flatMap((c) => c.Labels[LABEL.ownerContainer] ?? []))];
  const gone = new Set<string>();
  await Promise.all(
    owners.map(async (id) => {
      const state = await engine.inspect(id).then(
        (info) => info.State.Running,
        (error: { statusCode?: number }) => (error.statusCode === 404 ? false : undefined), // another failure says nothing
      );
      if (state === false) gone.add(id);
    }),
  );
  return candidates.filter((c) => gone.has(c.Labels[LABEL.ownerContainer] ?? ''));
}
