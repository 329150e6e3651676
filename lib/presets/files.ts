import { statSync } from 'node:fs';
import path from 'node:path';
import { SandpitError } from '../errors.js';

/** Resolves a folder option to an absolute path, or explains what is wrong with it. */
export function existingFolder(preset: string, option: string, value: string): string {
  // '' would resolve to the current folder (or be read as "unset" further on): neither is what was asked.
  if (value.trim() === '') {
    throw new SandpitError('INVALID_OPTION', `${preset}: ${option} is empty. Point ${option} (on the command line --${option}) at an existing folder, or leave it out.`, { option });
  }
  const absolute = path.resolve(value);
  const stat = statSync(absolute, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    throw new SandpitError(
      'INVALID_OPTION',
      `${preset}: ${option} "${value}" ${stat ? 'is not a folder' : 'does not exist'}${value === absolute ? '' : ` (${absolute})`}. Point ${option} (on the command line --${option}) at an existing folder.`,
      { option },
    );
  }
  return absolute;
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
