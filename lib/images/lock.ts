import os from 'node:os';
import path from 'node:path';

/**
 * Runs `build` for `tag` while holding a machine-wide lock on it, so that parallel processes on a
 * fresh machine (two Jest runs, a CLI and a test suite) build each image once instead of racing:
 * a race costs a second debootstrap and leaves the loser's image dangling. `build` re-checks
 * whether the image appeared while it waited. A holder that was killed leaves a stale lock, which
 * proper-lockfile takes over after `STALE_MS` without updates.
 */
export async function withBuildLock<T>(tag: string, onWait: () => void, build: () => Promise<T>): Promise<T> {
  const { default: lockfile } = await import('proper-lockfile');
  const file = path.join(os.tmpdir(), `sandpit-build-${tag.replace(/[^\w.-]+/g, '_')}`);
  // realpath: false locks by name alone (a `.lock` directory), so no file is left in the temp dir.
  // A lock lost mid-build (the machine slept) only risks a second build: not worth proper-lockfile's
  // default of throwing from a timer, which would crash the user's process.
  const options = { stale: STALE_MS, realpath: false, onCompromised: () => {} };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, options);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ELOCKED') throw error;
    onWait();
    release = await lockfile.lock(file, { ...options, retries: { retries: WAIT_MS / 1000, minTimeout: 1000, maxTimeout: 1000, factor: 1 } });
  }
  try {
    return await build();
  } finally {
    await release().catch(() => {});
  }
}

const STALE_MS = 20_000;
/** Longer than any build seen (debootstrap ~40 s, mysql ~15 s), with room for a slow mirror. */
const WAIT_MS = 15 * 60_000;
