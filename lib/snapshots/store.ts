import { docker } from '../docker/client.js';
import { SNAPSHOT_LABEL, snapshotPrefix } from './names.js';
import { forgetUsed, lastUsed } from './used.js';

export interface SnapshotInfo {
  tag: string;
  id: string;
  preset: string;
  /** The image it was taken from. */
  base: string;
  scripts: string;
  /** The data-shaping options, as JSON. */
  shapes: string;
  /** The service and folder it was first taken for ("db in ~/shop"); '' on older snapshots. */
  origin: string;
  createdMs: number;
  /** What it adds to its base image, in bytes: the disk it costs. */
  size: number;
  /** Last start from it, as this machine recorded it; undefined if never recorded. */
  usedMs: number | undefined;
}

/** The snapshots on the engine (of this prefix), newest first. */
export async function listSnapshots(): Promise<SnapshotInfo[]> {
  const dockerode = (await docker()).container.dockerode;
  const images = await dockerode.listImages({ filters: { label: [SNAPSHOT_LABEL.preset], reference: [`${snapshotPrefix()}/*`] } });
  const baseSizes = new Map<string, Promise<number>>();
  const baseSize = (id: string) => {
    if (!baseSizes.has(id)) baseSizes.set(id, dockerode.getImage(id).inspect().then((i) => i.Size, () => 0));
    return baseSizes.get(id)!;
  };
  const found = await Promise.all(
    images.flatMap((image) =>
      (image.RepoTags ?? []).filter((tag) => tag.startsWith(`${snapshotPrefix()}/`)).map(async (tag): Promise<SnapshotInfo> => {
        const labels = image.Labels ?? {};
        const baseId = labels[SNAPSHOT_LABEL.baseId] ?? '';
        return {
          tag,
          id: image.Id,
          preset: labels[SNAPSHOT_LABEL.preset] ?? '?',
          base: labels[SNAPSHOT_LABEL.base] ?? '?',
          // A marker that the scripts' data is not to be used (SNAPSHOT_LABEL.unkept) says so where its scripts are listed.
          scripts: `${labels[SNAPSHOT_LABEL.scripts] ?? ''}${labels[SNAPSHOT_LABEL.unkept] ? ' (a note only: these scripts run at each start)' : ''}`,
          shapes: labels[SNAPSHOT_LABEL.shapes] ?? '{}',
          origin: labels[SNAPSHOT_LABEL.origin] ?? '',
          createdMs: image.Created * 1000,
          size: Math.max(0, image.Size - (baseId ? await baseSize(baseId) : 0)),
          usedMs: await lastUsed(tag),
        };
      }),
    ),
  );
  return found.sort((a, b) => b.createdMs - a.createdMs);
}

export interface PruneResult {
  removed: SnapshotInfo[];
  /** Old enough, but a container still runs from it. */
  inUse: SnapshotInfo[];
}

/**
 * Removes snapshots not used for `days` (by last recorded use, else creation), or all of them.
 * Never forced: the engine refuses to remove an image a container still uses, which is kept.
 */
export async function pruneSnapshots({ days, all }: { days: number; all: boolean }): Promise<PruneResult> {
  const cutoff = Date.now() - days * 86_400_000;
  const old = (await listSnapshots()).filter((s) => all || (s.usedMs ?? s.createdMs) < cutoff);
  const result: PruneResult = { removed: [], inUse: [] };
  for (const snapshot of old) (await removeSnapshot(snapshot.tag)) ? result.removed.push(snapshot) : result.inUse.push(snapshot);
  return result;
}

/** Removes a snapshot's tag and its record of use; false when a container uses it (the engine refuses: never forced). */
export async function removeSnapshot(tag: string): Promise<boolean> {
  const dockerode = (await docker()).container.dockerode;
  try {
    await dockerode.getImage(tag).remove();
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 409) return false;
    if (status !== 404) throw error; // gone already: another process removed it
  }
  await forgetUsed(tag);
  return true;
}
