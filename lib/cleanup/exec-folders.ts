import { readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Long past any exec server's start: its folder is made a moment before it listens. */
const STALE_MS = 60_000;

/**
 * The exec servers' folders (lib/runner/exec-server.ts) whose socket no one listens on any more: a run
 * killed with SIGKILL that had no watchdog (it took every service over warm) leaves its folder. Only ours
 * (sandpit-exec-* in the temp dir), only when connecting is refused, never while it is young.
 */
export async function sweepExecFolders({ dir = os.tmpdir(), now = Date.now() } = {}): Promise<string[]> {
  const stale = readdirSync(dir).filter((entry) => {
    if (!entry.startsWith('sandpit-exec-')) return false;
    const touched = statSync(path.join(dir, entry), { throwIfNoEntry: false })?.mtimeMs;
    return touched !== undefined && now - touched >= STALE_MS;
  });
  const swept: string[] = [];
  await Promise.all(
    stale.map(async (entry) => {
      const folder = path.join(dir, entry);
      if (!(await refused(path.join(folder, 'exec.sock')))) return;
      rmSync(folder, { recursive: true, force: true });
      swept.push(entry);
    }),
  );
  return swept;
}

/** True only when no one listens there: refused, or no socket file at all. A timeout counts as alive. */
function refused(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = net.connect(socket);
    connection.setTimeout(1000, () => (connection.destroy(), resolve(false)));
    connection.once('connect', () => (connection.destroy(), resolve(false)));
    connection.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' || error.code === 'ENOENT'));
  });
}
