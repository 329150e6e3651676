import { accessSync, constants } from 'node:fs';
import os from 'node:os';

/**
 * Where machine-wide locks live (warm containers' claims and notes, image builds): the machine's temp folder,
 * not this process's (TMPDIR). The containers are the engine's, seen by every process on the machine, so their
 * locks must be too: a run, a reaper or a prune under another TMPDIR (a test harness's private one, a CI job's,
 * Bazel's) looked for a claim in its own folder, found none, and took over or removed a container another run
 * held. os.tmpdir() where there is no /tmp to write to (Windows, a read-only root with TMPDIR on a writable mount).
 */
export const CLAIMS_DIR: string = (() => {
  if (process.platform === 'win32') return os.tmpdir();
  try {
    accessSync('/tmp', constants.W_OK);
    return '/tmp';
  } catch {
    return os.tmpdir();
  }
})();
