import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { claim, markFile } from '../cleanup/reused.js';

// A warm mysql or redis is reset when a run hands it back, by a detached process (reset-later.ts), not when the
// next run takes it over: the next run then loads no database client and makes no copy. Two files per
// container, beside its lock (removed with it): `.resetting` while that process works, `.clean` once it is done.

/** Written by the resetter under the container's lock: the id the next connection to the server takes (see isolation.seal). */
export function markClean(id: string, nextConnection: number): void {
  writeFileSync(markFile(id, 'clean'), JSON.stringify({ nextConnection }));
}

/** The resetter's pid, written by the run that hands the container back, before it releases the lock. */
export function markResetting(id: string, pid: number): void {
  writeFileSync(markFile(id, 'resetting'), String(pid));
}

export function dropResetting(id: string): void {
  rmSync(markFile(id, 'resetting'), { force: true });
}

/**
 * Under the container's lock: whether it is exactly as its resetter left it. The mark is used once
 * (read and removed). A new connection must then take the very id the resetter expected next: any
 * connection since (a test run's, a GUI's, a client in the container) took it. The resetter ended
 * every connection that was open, so none can have written unseen. `newConnectionId` opens one and
 * says its id (lib/runner/isolation.ts).
 */
export async function stillClean(id: string, newConnectionId: () => Promise<number>): Promise<boolean> {
  let mark: { nextConnection?: unknown };
  try {
    mark = JSON.parse(readFileSync(markFile(id, 'clean'), 'utf8')) as typeof mark;
  } catch {
    return false; // none: never reset by a resetter, or already used
  } finally {
    rmSync(markFile(id, 'clean'), { force: true });
  }
  const now = await newConnectionId().catch(() => undefined);
  return typeof mark.nextConnection === 'number' && now === mark.nextConnection;
}

/**
 * The container's lock, waiting while its resetter works (about a third of a second) rather than
 * starting a new server for a run that follows right after another. Undefined if another run holds it.
 */
export async function claimAfterReset(token: string, id: string): Promise<(() => Promise<void>) | undefined> {
  for (const deadline = Date.now() + 5000; ; ) {
    const free = await claim(token);
    if (free || Date.now() > deadline || !resetterAlive(id)) return free;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function resetterAlive(id: string): boolean {
  try {
    process.kill(Number(readFileSync(markFile(id, 'resetting'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}
