import { readFileSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { SandpitError } from '../errors.js';
import { dataIn, emptyFolder, entryKind, scriptsIn } from './entries.js';
import { upPart } from './migrations.js';

/** One file placed in the init folder. */
export interface Seed {
  /** Its name there: a number first, so the folder's name order is the user's order. */
  name: string;
  /** How the user knows it, for messages: the path (relative to the current folder when under it), or "#2 (inline SQL)". */
  label: string;
  /** A file to stream in, or SQL text. */
  source: { file: string; size: number; mode: number } | { text: string };
}

/**
 * The checked entries (see checkEntries) as the files the init folder gets, folders expanded in name order.
 * Scripts get a number first (the folder's order is the user's order); a folder's other files (data its
 * scripts read) keep their path there, after them.
 */
export async function planSeeds(preset: string, entries: string[]): Promise<Seed[]> {
  const listed: { label: string; source: Seed['source']; base: string }[] = [];
  const data = new Map<string, Seed>();
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
      // A dbmate migration: the part its tool runs up (its down part dropped what the up part made).
      const up = upPart(file);
      listed.push({ label: shown(file), source: up === undefined ? await fileSource(file) : { text: up }, base: path.basename(file) });
    }
    // Not the scripts again (Prisma's are in subfolders, where the rest is data).
    const folderData = kind === 'folder' ? dataIn(entry).filter((name) => !files.includes(path.join(entry, name))) : [];
    for (const name of folderData) data.set(name, await dataSeed(preset, name, path.join(entry, name), data.get(name)));
  }
  const width = Math.max(3, String(listed.length).length);
  return [...listed.map(({ label, source, base }, i) => ({ name: `${String(i + 1).padStart(width, '0')}-${base}`, label, source })), ...data.values()];
}

async function fileSource(file: string): Promise<Seed['source']> {
  const { size, mode } = await stat(file);
  return { file, size, mode: mode & 0o777 };
}

/** One path in the init folder for one file: two folders' `cities.csv` would have one overwrite the other. */
async function dataSeed(preset: string, name: string, file: string, taken: Seed | undefined): Promise<Seed> {
  // The same bytes twice (a README.md copied into each folder) are one file there.
  if (taken && 'file' in taken.source && sameBytes(taken.source.file, file)) return taken;
  if (taken) {
    throw new SandpitError('INVALID_OPTION', `${preset}: init script folders hold ${name} twice (${taken.label} and ${shown(file)}), and both would be /docker-entrypoint-initdb.d/${name}: rename one.`, {
      option: 'initScripts',
    });
  }
  return { name, label: shown(file), source: await fileSource(file) };
}

function sameBytes(a: string, b: string): boolean {
  return statSync(a).size === statSync(b).size && readFileSync(a).equals(readFileSync(b));
}

function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
