import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { SandpitError } from '../errors.js';
import { closest } from '../suggest.js';
import { PRISMA_SCRIPT, flywayOrder, migrationOrder } from './migrations.js';

/** What `/docker-entrypoint-initdb.d` runs (the official mysql image also reads .sql.bz2); anything else it ignores. */
export const SCRIPT_FILE = /\.(sql|sql\.gz|sql\.bz2|sql\.xz|sql\.zst|sh)$/i;

/**
 * An entry is a script file (by its ending), a folder (one word: no space, no `;`), or else SQL text.
 * A lone word is no statement a seed runs: `seed`, a folder mistyped, is said missing at once rather
 * than sent to the server as SQL that fails only after a full start.
 */
export function entryKind(entry: string): 'file' | 'folder' | 'sql' {
  const text = entry.trim();
  if (/[\s;]/.test(text)) return 'sql';
  return SCRIPT_FILE.test(text) ? 'file' : 'folder';
}

/** For config files: which entries are paths, to be made absolute against the config's folder. */
export const isPathEntry = (entry: string): boolean => entryKind(entry) !== 'sql';

const ENDINGS = '.sql, .sql.gz, .sql.bz2, .sql.xz, .sql.zst or .sh';

/**
 * A folder's script files in name order (byte order, as the container's shell globs them); others are ignored, as
 * the official image does. A migration tool's folder as that tool runs it up (lib/seeds/migrations.ts): downs left
 * out, Flyway's versions in number order (its subfolders too), Prisma's one folder per migration.
 */
export function scriptsIn(folder: string): string[] {
  const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  // A linked script counts, as in a mounted folder; a dotfile does not (the entrypoint's `*` skips it).
  const names = readdirSync(folder)
    .filter((name) => !name.startsWith('.') && SCRIPT_FILE.test(name) && followed(folder, name)?.isFile() === true)
    .sort(byteOrder);
  const flyway = flywayOrder(names, dataIn(folder));
  if (flyway) return flyway.map((name) => path.join(folder, name));
  if (names.length > 0) return migrationOrder(names).map((name) => path.join(folder, name));
  return readdirSync(folder)
    .filter((name) => !name.startsWith('.') && followed(folder, name)?.isDirectory() === true && followed(folder, path.join(name, PRISMA_SCRIPT))?.isFile() === true)
    .sort(byteOrder)
    .map((name) => path.join(folder, name, PRISMA_SCRIPT));
}

/**
 * A folder's other files, by their path in it (`cities.csv`, `data/more.csv`): what its scripts may read
 * at /docker-entrypoint-initdb.d/…, as they do where the folder is mounted there. Byte order.
 */
export function dataIn(folder: string): string[] {
  // `above`: the real folders on the way down; a link back up one of them (data -> ..) would walk for ever.
  // Two links to one shared folder are both walked, as a mount shows both.
  const walk = (dir: string, top: boolean, above: Set<string>): string[] => {
    const here = path.join(folder, dir);
    const real = unreadable(folder, dir, () => realpathSync(here));
    if (above.has(real)) return [];
    const below = new Set(above).add(real);
    // Dotfiles are a tool's, not data (.DS_Store, .gitkeep): two folders' would be one path twice.
    return unreadable(folder, dir, () => readdirSync(here)).filter((name) => !name.startsWith('.')).flatMap((name) => {
      const relative = dir ? `${dir}/${name}` : name;
      // Followed, as a mount of the folder would show a linked file (monorepos link shared data in).
      const found = followed(folder, relative);
      if (found?.isDirectory()) return walk(relative, false, below);
      return found?.isFile() && !(top && SCRIPT_FILE.test(name)) ? [relative] : [];
    });
  };
  return walk('', true, new Set()).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** What a link leads to; undefined for one that leads nowhere (a mount would show it broken too). */
function followed(folder: string, relative: string) {
  try {
    return statSync(path.join(folder, relative));
  } catch (cause) {
    if (['ENOENT', 'ELOOP'].includes((cause as NodeJS.ErrnoException).code ?? '')) return undefined;
    return unreadable(folder, relative, () => {
      throw cause;
    });
  }
}

/** A file of a seed folder that cannot be read fails the start naming it, not with a bare EACCES. */
function unreadable<T>(folder: string, relative: string, read: () => T): T {
  try {
    return read();
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new SandpitError('INVALID_OPTION', `init script folder ${folder}: cannot read ${relative || '.'} (${code}): make it readable, or move it out of the folder.`, {
      option: 'initScripts',
      cause,
    });
  }
}

/** The one message for a folder with nothing to run, whether found by the check or (emptied since) by the plan. */
export const emptyFolder = (preset: string, entry: string, absolute: string): SandpitError =>
  new SandpitError('INVALID_OPTION', `${preset}: init script folder "${entry}" holds no ${ENDINGS} file (${absolute}): add one, or leave the folder out.${inMigrations(entry, absolute)}`, {
    option: 'initScripts',
  });

/** `prisma` given for `prisma/migrations`: its migrations are one folder down. */
function inMigrations(entry: string, absolute: string): string {
  const below = path.join(absolute, 'migrations');
  try {
    return statSync(below).isDirectory() && scriptsIn(below).length > 0 ? ` Did you mean "${path.join(entry, 'migrations')}"?` : '';
  } catch {
    return '';
  }
}

/**
 * Checks before any container starts that every file and folder is there (paths relative to
 * `base`, the current folder unless a config file says otherwise), that each folder holds a script,
 * and that no entry names a file the image would not run; returns them absolute, SQL as is.
 */
export function checkEntries(preset: string, entries: readonly string[], base = process.cwd()): string[] {
  return entries.map((entry) => {
    const kind = entryKind(entry);
    const absolute = path.resolve(base, entry.trim());
    const stat = /\s/.test(entry.trim()) ? undefined : statSync(absolute, { throwIfNoEntry: false });
    // `schema.txt` or `./schema.txt` that exists: a file the entrypoint would skip (or, unsliced, SQL text
    // that fails only once the server runs it). Said now, before a container exists.
    if (kind !== 'file' && stat?.isFile()) {
      throw new SandpitError(
        'INVALID_OPTION',
        `${preset}: init script "${entry}" is a file ${preset} does not run: rename it to end in ${ENDINGS} (${absolute}).`,
        { option: 'initScripts' },
      );
    }
    if (kind === 'sql') return entry;
    const ok = kind === 'file' ? stat?.isFile() : stat?.isDirectory();
    if (!ok) {
      const where = path.isAbsolute(entry.trim()) ? '' : `; it is relative to ${base}`;
      // A config file's entries arrive absolute already: the path once, not twice.
      const resolved = absolute === entry.trim() ? '' : ` (${absolute})`;
      throw new SandpitError(
        'INVALID_OPTION',
        `${preset}: init script "${entry}" cannot be read${resolved}: check the path${where}.${nearby(absolute, kind)} ` +
          `Entries are ${ENDINGS} files, folders of them, or SQL text.`,
        { option: 'initScripts' },
      );
    }
    if (kind === 'folder' && scriptsIn(absolute).length === 0) throw emptyFolder(preset, entry, absolute);
    return absolute;
  });
}

/** " Did you mean …?" for a missing path whose folder holds a name close to it (`seeds.sql` for `seed.sql`). */
function nearby(absolute: string, kind: 'file' | 'folder'): string {
  try {
    const siblings = readdirSync(path.dirname(absolute), { withFileTypes: true })
      .filter((d) => (kind === 'file' ? d.isFile() && SCRIPT_FILE.test(d.name) : d.isDirectory()))
      .map((d) => d.name);
    const near = closest(path.basename(absolute), siblings);
    return near === undefined ? '' : ` Did you mean "${path.join(path.dirname(absolute), near)}"?`;
  } catch {
    return ''; // the folder is missing too
  }
}
