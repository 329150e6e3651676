import { readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The folders lib/files/visibility.ts makes to see whether the engine shares this machine's files. */
export const VISIBILITY_PREFIX = 'sandpit-visibility-';

/** Long past any measurement: a folder lives for two container creates (a few seconds on a slow engine). */
const STALE_MS = 10 * 60_000;

/**
 * The measurement's folders that a process killed outright (SIGKILL) while it measured left in the temp dir:
 * for the moment one exists, no watchdog knows of it. `sandpit prune` sweeps them.
 */
export function sweepVisibilityFolders({ dir = os.tmpdir(), now = Date.now() } = {}): string[] {
  const swept: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (!entry.startsWith(VISIBILITY_PREFIX)) continue;
    const folder = path.join(dir, entry);
    const touched = statSync(folder, { throwIfNoEntry: false })?.mtimeMs;
    if (touched === undefined || now - touched < STALE_MS) continue;
    try {
      rmSync(folder, { recursive: true, force: true });
      swept.push(entry);
    } catch {
      // Another user's, in a shared temp dir: theirs to sweep.
    }
  }
  return swept;
}
