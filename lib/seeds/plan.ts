import { stat } from 'node:fs/promises';
import path from 'node:path';
import { emptyFolder, entryKind, scriptsIn } from './entries.js';

/** One file placed in the init folder. */
export interface Seed {
  /** Its name there: a number first, so the folder's name order is the user's order. */
  name: string;
  /** How the user knows it, for messages: the path (relative to the current folder when under it), or "#2 (inline SQL)". */
  label: string;
  /** A file to stream in, or SQL text. */
  source: { file: string; size: number; mode: number } | { text: string };
}

/** The checked entries (see checkEntries) as the files the init folder gets, folders expanded in name order. */
export async function planSeeds(preset: string, entries: string[]): Promise<Seed[]> {
  const listed: { label: string; source: Seed['source']; base: string }[] = [];
  for (const [index, entry] of entries.entries()) {
    const kind = entryKind(entry);
    if (kind === 'sql') {
      listed.push({ label: `#${index + 1} (inline SQL)`, source: { text: entry }, base: 'inline.sql' });
      continue;
    }
    const files = kind === 'file' ? [entry] : scriptsIn(entry);
    // Checked when the options were (checkEntries); a folder emptied since then is said the same way.
    if (files.length === 0) throw emptyFolder(preset, shown(entry), entry);
    for (const file of files) {
      const { size, mode } = await stat(file);
      listed.push({ label: shown(file), source: { file, size, mode: mode & 0o777 }, base: path.basename(file) });
    }
  }
  const width = Math.max(3, String(listed.length).length);
  return listed.map(({ label, source, base }, i) => ({ name: `${String(i + 1).padStart(width, '0')}-${base}`, label, source }));
}

function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
