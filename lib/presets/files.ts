import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SandpitError } from '../errors.js';

/** Resolves a folder option to an absolute path, or explains what is wrong with it. */
export function existingFolder(preset: string, option: string, value: string): string {
  const absolute = path.resolve(value);
  const stat = statSync(absolute, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    throw new SandpitError(
      'INVALID_OPTION',
      `${preset}: ${option} "${value}" ${stat ? 'is not a folder' : 'does not exist'} (${absolute}). Point ${option} at an existing folder.`,
      { option },
    );
  }
  return absolute;
}

/** Entries ending in .sql are files (relative to the working directory); anything else is SQL text. */
const isFile = (entry: string) => /\.sql$/i.test(entry.trim());

/** Checks script files exist before any container starts; returns files as absolute paths. */
export function scriptEntries(preset: string, entries: string[]): string[] {
  return entries.map((entry) => (isFile(entry) ? readableFile(preset, entry) : entry));
}

/** The script file as an absolute path, or INVALID_OPTION naming it. */
export function readableFile(preset: string, entry: string): string {
  const file = path.resolve(entry.trim());
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) {
    throw new SandpitError(
      'INVALID_OPTION',
      `${preset}: init script "${entry}" cannot be read (${file}). Check the path${path.isAbsolute(entry) ? '' : `; it is relative to ${process.cwd()}`}.`,
      { option: 'initScripts' },
    );
  }
  return file;
}

export interface Script {
  /** File name, or "#2 (inline SQL)", for error messages. */
  label: string;
  sql: string;
}

export function loadScripts(entries: string[]): Promise<Script[]> {
  return Promise.all(
    entries.map(async (entry, index) =>
      isFile(entry)
        ? { label: path.basename(entry), sql: await readFile(entry, 'utf8') }
        : { label: `#${index + 1} (inline SQL)`, sql: entry },
    ),
  );
}
