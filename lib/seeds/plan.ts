import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { SandpitError } from '../errors.js';
import { SCRIPT_FILE, entryKind } from './entries.js';

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
export async function planSeeds(entries: string[]): Promise<Seed[]> {
  const listed: { label: string; source: Seed['source']; base: string }[] = [];
  for (const [index, entry] of entries.entries()) {
    const kind = entryKind(entry);
    if (kind === 'sql') {
      listed.push({ label: `#${index + 1} (inline SQL)`, source: { text: entry }, base: 'inline.sql' });
      continue;
    }
    const files = kind === 'file' ? [entry] : await scriptsIn(entry);
    for (const file of files) {
      const { size, mode } = await stat(file);
      listed.push({ label: shown(file), source: { file, size, mode: mode & 0o777 }, base: path.basename(file) });
    }
  }
  const width = Math.max(3, String(listed.length).length);
  return listed.map(({ label, source, base }, i) => ({ name: `${String(i + 1).padStart(width, '0')}-${base}`, label, source }));
}

/** A folder's script files in name order (byte order, as the container's shell globs them); others are ignored, as the official image does. */
async function scriptsIn(folder: string): Promise<string[]> {
  const names = (await readdir(folder, { withFileTypes: true }))
    .filter((d) => d.isFile() && SCRIPT_FILE.test(d.name))
    .map((d) => d.name)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if (names.length === 0) {
    throw new SandpitError('INVALID_OPTION', `init script folder ${shown(folder)} holds no .sql, .sql.gz, .sql.bz2, .sql.xz, .sql.zst or .sh file: add one, or remove the folder from initScripts.`, {
      option: 'initScripts',
    });
  }
  return names.map((name) => path.join(folder, name));
}

function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
