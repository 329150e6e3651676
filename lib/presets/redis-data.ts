import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SandpitError } from '../errors.js';
import { readableFile } from './files.js';

/**
 * Where redis keeps data that must outlive a commit: outside /data, which the official image
 * declares a VOLUME. Also the working directory: the entrypoint hands that to the redis user.
 */
export const DATA_DIR = '/var/lib/sandpit-data';

const isRdb = (entry: string) => /\.rdb$/i.test(entry.trim());
const REDIS_FILE = /\.(redis|txt|rdb)$/i;

/**
 * For config files: which redis entries are paths, made absolute against the config's folder. A file of
 * commands or an RDB, or one path-shaped word (a dot or a slash); a lone word (FLUSHALL, INFO) is a command.
 */
export const isRedisPath = (entry: string): boolean => !/\s/.test(entry.trim()) && (REDIS_FILE.test(entry.trim()) || /[./]/.test(entry.trim()));

/**
 * Init-script entries: .redis/.txt files of commands and an .rdb file (checked to exist, made
 * absolute), or command text. An RDB is the data redis loads as it starts, so it can only come first.
 */
export function redisEntries(entries: readonly string[]): string[] {
  const misplaced = entries.findIndex((entry, index) => isRdb(entry) && index > 0);
  if (misplaced >= 0) {
    throw new SandpitError('INVALID_OPTION', `redis: put the .rdb file first in initScripts (it is ${entries[misplaced]}, #${misplaced + 1}): redis loads it as it starts, before any command.`, {
      option: 'initScripts',
    });
  }
  return entries.map((entry) => {
    if (REDIS_FILE.test(entry.trim())) return readableFile('redis', entry);
    // One path-shaped word (a dot or a slash) naming a file, or any word naming a folder, is a path: sent
    // as a command, redis would answer "unknown command" only once the server runs. INFO stays a command.
    const word = entry.trim();
    const found = /\s/.test(word) ? undefined : statSync(path.resolve(word), { throwIfNoEntry: false });
    if (found && (found.isDirectory() || /[./]/.test(word))) {
      throw new SandpitError(
        'INVALID_OPTION',
        `redis: init script "${entry}" is a ${found.isDirectory() ? 'folder' : 'file'} redis does not run: give .redis or .txt files of commands (or an .rdb file first), or command text (${path.resolve(word)}).`,
        { option: 'initScripts' },
      );
    }
    return entry;
  });
}

/** Server arguments and files that load an RDB given as the first init script. */
export function rdbStart(initScripts: string[]): { args: string[]; workingDir?: string; files: Record<string, Uint8Array> } {
  const rdb = initScripts.find(isRdb);
  if (!rdb) return { args: [], files: {} };
  return { args: ['--dir', DATA_DIR, '--dbfilename', 'dump.rdb'], workingDir: DATA_DIR, files: { [`${DATA_DIR}/dump.rdb`]: readFileSync(rdb) } };
}

/** The entries `applyRedisScripts` runs: all but the RDB, which the server loaded itself. */
export const commandEntries = (initScripts: string[]): string[] => initScripts.filter((entry) => !isRdb(entry));
