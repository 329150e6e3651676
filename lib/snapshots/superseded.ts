import { listSnapshots, removeSnapshot, type SnapshotInfo } from './store.js';

/** Snapshots kept per service and folder, newest first: a branch switched back (or an edit undone) finds its own. */
export const KEPT_PER_ORIGIN = 3;

/** Unused for this long at least: a run that started from it a moment ago may be about to start from it again. */
const UNUSED_MS = 10 * 60_000;

/**
 * After a snapshot is taken for `origin` ("db in ~/shop"): the older ones of that service in that folder, past
 * the newest KEPT_PER_ORIGIN, unused for UNUSED_MS and with no container on them. Each seed edit takes one (a
 * mysql's ~90 MB), and nothing used them again: an afternoon of edits piled up gigabytes until `images prune`,
 * which by default waits 30 days. Never forced: the engine keeps an image a container uses.
 */
export async function removeSuperseded(origin: string, taken: string, { now = Date.now() } = {}): Promise<SnapshotInfo[]> {
  if (origin === '') return [];
  const lastUse = (s: SnapshotInfo) => s.usedMs ?? s.createdMs;
  const mine = (await listSnapshots()).filter((s) => s.origin === origin).sort((a, b) => lastUse(b) - lastUse(a));
  const removed: SnapshotInfo[] = [];
  for (const snapshot of mine.slice(KEPT_PER_ORIGIN)) {
    // Never the one just taken, whatever the engine's clock says of its creation.
    if (snapshot.tag === taken || now - lastUse(snapshot) < UNUSED_MS) continue;
    if (await removeSnapshot(snapshot.tag)) removed.push(snapshot);
  }
  return removed;
}
