import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { alive } from './alive.js';
import path from 'node:path';
import type { ContainerInfo } from 'dockerode';
import { LABEL } from './labels.js';
import { CLAIMS_DIR } from './machine-dir.js';
import { removeContainer } from './remove.js';

export { CLAIMS_DIR };

// Warm-reuse locks live here (not in lib/reuse) because removal needs them too: a container a run
// holds is never removed under it, by the reaper or by `sandpit prune`.

/** Held by a run for as long as it uses the container; proper-lockfile refreshes it every few seconds. */
export const CLAIM_STALE_MS = 10_000;

const PREFIX = 'sandpit-reuse-';
const claimFile = (token: string) => path.join(CLAIMS_DIR, `${PREFIX}${token.replace(/[^\w-]/g, '_')}`);

/** Kinds of note a reused container may have beside the locks, removed with it (lib/reuse/clean-mark.ts writes them). */
const MARKS = ['clean', 'resetting'] as const;

/**
 * The file of a container's `kind` of note. A refresher's note is its own to drop, not removed with
 * the container: `sandpit down` reads it after removing the container (lib/reuse/refreshing.ts).
 */
export const markFile = (id: string, kind: (typeof MARKS)[number] | 'refreshing'): string => `${claimFile(id)}.${kind}`;

/** Every note of `kind` on this machine, whichever container it is for (`sandpit down` looks for refreshers). */
export const markFiles = (kind: (typeof MARKS)[number] | 'refreshing'): string[] =>
  readdirSync(CLAIMS_DIR)
    .filter((f) => f.startsWith(PREFIX) && f.endsWith(`.${kind}`))
    .map((f) => path.join(CLAIMS_DIR, f));
// realpath: false locks by name alone (a `.lock` directory): nothing is left once released. A lock
// lost to a long pause only risks a reset under a paused run: not worth a throw from a timer.
const options = { stale: CLAIM_STALE_MS, realpath: false, onCompromised: () => {} };

// Loaded on first use (~30 ms): `sandpit up` without reuse never takes a lock.
type Lockfile = typeof import('proper-lockfile');
let lockfileModule: Promise<{ default: Lockfile }> | undefined;
const lockfileLoaded = () => (lockfileModule ??= import('proper-lockfile') as Promise<{ default: Lockfile }>);

/** Starts loading the lock library, for a caller about to wait on the engine before its first claim. */
export function preloadClaims(): void {
  lockfileLoaded().catch(() => {});
}

/** Takes the machine-wide lock on a reused container, or returns undefined when another holds it. */
export async function claim(token: string): Promise<(() => Promise<void>) | undefined> {
  const { default: lockfile } = await lockfileLoaded();
  try {
    return await lockfile.lock(claimFile(token), options);
  } catch (error) {
    const code = (error as { code?: string }).code;
    // EPERM: another user's stale lock in the shared /tmp (sticky), which only that user may remove: not ours to take.
    if (code === 'ELOCKED' || code === 'EPERM') return undefined;
    throw error;
  }
}

/** Whether a run holds it now (a holder killed without release counts as gone after CLAIM_STALE_MS). */
export async function held(token: string): Promise<boolean> {
  const { default: lockfile } = await lockfileLoaded();
  return lockfile.check(claimFile(token), options).catch(() => false);
}

/** Removes reused containers that no run holds: taking the lock first, so no run takes one meanwhile. */
export async function removeIdleReused(containers: ContainerInfo[]): Promise<string[]> {
  const removed: string[] = [];
  await Promise.allSettled(
    containers.map(async (c) => {
      const release = await claim(c.Labels[LABEL.claim] ?? c.Id);
      if (!release) return;
      try {
        await removeReused(c.Id);
        removed.push(c.Id);
      } finally {
        await release().catch(() => {});
      }
    }),
  );
  return removed;
}

/** The reaper's lock (lib/reuse/reaper.ts), beside the containers' notes in CLAIMS_DIR: never one of theirs. */
export const REAPER_LOCK_NAME = `${PREFIX}reaper`;

/** Long past any live lock's refresh (every CLAIM_STALE_MS / 2) and any mark's use. */
const ORPHAN_MS = 60_000;

/**
 * Removes the notes of reused containers that are gone: the lock a run killed outright still held when its
 * container was removed by other means (`docker rm`, a test), which no one would ever take again, and the
 * marks of containers removed so. `live`: the reused containers on the engine. Only what no one touched for
 * ORPHAN_MS: a run claims a new token before its container exists, and a held lock is refreshed every few
 * seconds. (A container on another engine loses only its `.clean` mark: its next run resets it in full.)
 */
export function sweepOrphanNotes(live: Pick<ContainerInfo, 'Id' | 'Labels'>[], { dir = CLAIMS_DIR, now = Date.now() } = {}): string[] {
  const known = new Set(live.flatMap((c) => [c.Id, c.Labels[LABEL.claim] ?? c.Id].map((token) => path.basename(claimFile(token)))));
  const swept: string[] = [];
  for (const entry of readdirSync(dir)) {
    const note = /^(sandpit-reuse-[\w-]+?)\.(lock|clean|resetting)$/.exec(entry);
    if (!note || known.has(note[1]!) || note[1] === REAPER_LOCK_NAME) continue;
    const file = path.join(dir, entry);
    try {
      const touched = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
      if (touched === undefined || now - touched < ORPHAN_MS) continue;
      if (note[2] === 'resetting' && alive(Number(readFileSync(file, 'utf8')))) continue;
      rmSync(file, { recursive: true, force: true });
      swept.push(entry);
    } catch {
      // Another user's, in a shared temp dir: theirs to sweep. The others still go.
    }
  }
  return swept;
}

/** Whether the resetter of a container a run handed back still works on it (lib/reuse/reset-later.ts). */
export function resetterAlive(id: string): boolean {
  try {
    return alive(Number(readFileSync(markFile(id, 'resetting'), 'utf8')));
  } catch {
    return false;
  }
}

/**
 * Removes a reused container and the notes kept beside its lock, for `sandpit down`: a person's order,
 * so a run that holds it does not stop it. Its resetter is let finish first (it ends within a minute,
 * usually in a fraction of a second): its note of a clean server would otherwise outlive the container.
 */
export async function removeReused(id: string): Promise<void> {
  for (const until = Date.now() + 60_000; resetterAlive(id) && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 25));
  await removeContainer(id);
  for (const kind of MARKS) rmSync(markFile(id, kind), { force: true });
}
