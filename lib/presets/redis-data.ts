import { readFileSync } from 'node:fs';
import { SandpitError } from '../errors.js';
import { readableFile } from './files.js';

/**
 * Where redis keeps data that must outlive a commit: outside /data, which the official image
 * declares a VOLUME. Also the working directory: the entrypoint hands that to the redis user.
 */
export const DATA_DIR = '/var/lib/sandpit-data';

const isRdb = (entry: string) => /\.rdb$/i.test(entry.trim());

/**
 * Init-script entries: .redis/.txt files of commands and an .rdb file (checked to exist, made
 * absolute), or command text. An RDB is the data redis loads as it starts, so it can only come first.
 */
export function redisEntries(entries: string[]): string[] {
  const misplaced = entries.findIndex((entry, index) => isRdb(entry) && index > 0);
  if (misplaced >= 0) {
    throw new SandpitError('INVALID_OPTION', `redis: put the .rdb file first in initScripts (it is ${entries[misplaced]}, #${misplaced + 1}): redis loads it as it starts, before any command.`, {
      option: 'initScripts',
    });
  }
  return entries.map((entry) => (/\.(redis|txt|rdb)$/i.test(entry.trim()) ? readableFile('redis', entry) : entry));
}

/** Server arguments and files that load an RDB given as the first init script. */
export function rdbStart(initScripts: string[]): { args: string[]; workingDir?: string; files: Record<string, Uint8Array> } {
  const rdb = initScripts.find(isRdb);
  if (!rdb) return { args: [], files: {} };
  return { args: ['--dir', DATA_DIR, '--dbfilename', 'dump.rdb'], workingDir: DATA_DIR, files: { [`${DATA_DIR}/dump.rdb`]: readFileSync(rdb) } };
}

/** The entries `applyRedisScripts` runs: all but the RDB, which the server loaded itself. */
export const commandEntries = (initScripts: string[]): string[] => initScripts.filter((entry) => !isRdb(entry));
