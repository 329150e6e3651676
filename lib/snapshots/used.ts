import { mkdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * When a snapshot was last used, as this machine saw it: the mtime of an empty file per snapshot
 * in the user's cache folder. One utimes call per start; the engine has no such record (an
 * image's metadata does not change when a container starts from it).
 */
export const usedDir = (): string =>
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'sandpit', 'snapshots');

const marker = (tag: string) => path.join(usedDir(), tag.replace(/[^\w.-]+/g, '_'));

export async function markUsed(tag: string): Promise<void> {
  const file = marker(tag);
  const now = new Date();
  try {
    await utimes(file, now, now);
  } catch {
    await mkdir(usedDir(), { recursive: true });
    await writeFile(file, '');
  }
}

/** Last use in ms since the epoch, or undefined if this machine never recorded one. */
export async function lastUsed(tag: string): Promise<number | undefined> {
  return stat(marker(tag)).then((s) => s.mtimeMs, () => undefined);
}

export async function forgetUsed(tag: string): Promise<void> {
  await rm(marker(tag), { force: true });
}
