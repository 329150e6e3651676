import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { claim, markFile, resetterAlive } from '../cleanup/reused.js';

// A warm mysql or redis is reset when a run hands it back, by a detached process (reset-later.ts), not when the
// next run takes it over: the next run then loads no database client and makes no copy. Two files per
// container, beside its lock (removed with it): `.resetting` while that process works, `.clean` once it is done.

/**
 * Written by the resetter under the container's lock: the id the next connection to the server takes
 * (see isolation's sealedReset), when the container last started (a restart numbers connections anew),
 * and whether it made worker 1's copy.
 */
export function markClean(id: string, nextConnection: number, startedAt: string, worker1: boolean): void {
  writeFileSync(markFile(id, 'clean'), JSON.stringify({ nextConnection, startedAt, worker1 }));
}

/** The resetter's pid, written by the run that hands the container back, before it releases the lock. */
export function markResetting(id: string, pid: number): void {
  writeFileSync(markFile(id, 'resetting'), String(pid));
}

export function dropResetting(id: string): void {
  rmSync(markFile(id, 'resetting'), { force: true });
}

/**
 * Under the container's lock: whether it is exactly as its resetter left it (then: whether that made
 * worker 1's copy too; undefined if not). The mark is used once
 * (read and removed). The container must not have restarted since (`startedAt`, read at takeover), and a
 * new connection must take the very id the resetter expected next: any connection since (a test run's, a
 * GUI's, a client in the container) took it. The resetter ended every connection that was open before it
 * reset, so none can have written unseen. `newConnectionId` opens one and says its id
 * (lib/runner/isolation.ts).
 */
export async function stillClean(id: string, startedAt: string | undefined, newConnectionId: () => Promise<number>): Promise<{ worker1: boolean } | undefined> {
  let mark: { nextConnection?: unknown; startedAt?: unknown; worker1?: unknown };
  try {
    mark = JSON.parse(readFileSync(markFile(id, 'clean'), 'utf8')) as typeof mark;
  } catch {
    return undefined; // none: never reset by a resetter, or already used
  } finally {
    // Another user's mark in the shared /tmp cannot be removed by this one: then it is not used either.
    try {
      rmSync(markFile(id, 'clean'), { force: true });
    } catch {
      return undefined;
    }
  }
  if (startedAt === undefined || mark.startedAt !== startedAt || typeof mark.nextConnection !== 'number') return undefined;
  const clean = (await newConnectionId().catch(() => undefined)) === mark.nextConnection;
  return clean ? { worker1: mark.worker1 === true } : undefined;
}

/**
 * The container's lock, waiting while its resetter works (it ends within a minute) rather than starting
 * a new server for a run that follows right after another. Undefined if another run holds it.
 */
export async function claimAfterReset(token: string, id: string): Promise<(() => Promise<void>) | undefined> {
  for (;;) {
    const free = await claim(token);
    if (free) return free;
    // Gone between the try and this look: one more try finds the lock it let go, or a run's.
    if (!resetterAlive(id)) return claim(token);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
