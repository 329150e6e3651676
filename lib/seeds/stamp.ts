import { statSync, type Stats } from 'node:fs';
import { dataIn, scriptsIn } from './entries.js';
import path from 'node:path';

/**
 * What the seed files an options object names look like now: each file's (and each folder's files')
 * size and modification time, without reading them. A watch-mode rerun compares it with its start's:
 * an edited seed behind an unchanged path restarts that service, as an edited config does. Inline
 * text is in the options themselves. The snapshot key (lib/snapshots/key.ts) hashes the bytes.
 */
export function seedStamp(options: object): string {
  return entriesOf(options).flatMap(stampsOf).join('\n');
}

/** The seed files and folders an options object names (inline text left out). */
export function seedPaths(options: object): string[] {
  return entriesOf(options).filter((entry) => statOf(entry) !== undefined);
}

function entriesOf(options: object): string[] {
  const { initScripts } = options as { initScripts?: unknown };
  return Array.isArray(initScripts) ? initScripts.filter((e): e is string => typeof e === 'string') : [];
}

function stampsOf(entry: string): string[] {
  const found = statOf(entry);
  if (!found) return []; // inline text, or a path gone since (the start says so)
  if (found.isFile()) return [stamp(entry, found)];
  if (!found.isDirectory()) return [];
  // Every file under it: its scripts, and the data they read (lib/seeds dataIn).
  return [...scriptsIn(entry), ...dataIn(entry).map((name) => path.join(entry, name))].flatMap((file) => {
    const stats = statOf(file);
    return stats?.isFile() ? [stamp(file, stats)] : [];
  });
}

const stamp = (file: string, stats: Stats) => `${file} ${stats.size} ${stats.mtimeMs}`;

function statOf(entry: string): Stats | undefined {
  try {
    return statSync(entry, { throwIfNoEntry: false });
  } catch {
    return undefined; // inline SQL longer than a path may be (ENAMETOOLONG)
  }
}
