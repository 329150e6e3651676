import path from 'node:path';
import { CLAIMS_DIR } from '../cleanup/machine-dir.js';
import { present } from './present.js';

const building = new Map<string, Promise<string>>();

/**
 * Makes image `tag` with `build` unless it is already here, once: concurrent calls in this process
 * share one build, and other processes wait on a machine-wide lock and then find the image.
 */
export function buildOnce(tag: string, onProgress: (line: string) => void, build: () => Promise<string>): Promise<string> {
  let pending = building.get(tag);
  if (!pending) {
    const waiting = () => onProgress(`waiting for another sandpit process building ${tag}`);
    pending = (async () => {
      if (await present(tag)) return tag;
      return withBuildLock(tag, waiting, async () => ((await present(tag)) ? tag : build()));
    })().finally(() => building.delete(tag));
    building.set(tag, pending);
  }
  return pending;
}

/**
 * Runs `build` while holding a machine-wide lock on `tag`, so that parallel processes on a fresh
 * machine (two Jest runs, a CLI and a test suite) do not race: a race costs a second debootstrap
 * and leaves the loser's image dangling. A holder that was killed leaves a stale lock, which
 * proper-lockfile takes over after `STALE_MS` without updates.
 */
async function withBuildLock<T>(tag: string, onWait: () => void, build: () => Promise<T>): Promise<T> {
  const { default: lockfile } = await import('proper-lockfile');
  // Machine-wide, whatever a process's TMPDIR: two runs with different ones each built the image.
  const file = path.join(CLAIMS_DIR, `sandpit-build-${tag.replace(/[^\w.-]+/g, '_')}`);
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
