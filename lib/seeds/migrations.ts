import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

// Migration folders as the tools that write them lay them out, run as each tool runs them up from an empty
// database. Run as an init folder is (every script, in byte order), each layout did something else: a
// golang-migrate folder ran each `.down.sql` before its `.up.sql` and the next one's down dropped what the
// last one made; Flyway's V10 ran before V2; a dbmate file created its table and dropped it again (its
// `-- migrate:down` part); Prisma's folder has no script at its top.

/** golang-migrate (`1_users.up.sql`), db-migrate (`…-up.sql`): the down ones undo the up ones. */
const UP = /[._-]up\.sql$/i;
const DOWN = /[._-]down\.sql$/i;

/** Flyway: `V<version>__<what>.sql` in version order, `U…` (undo) left out, `R__` (repeatable) after, by name. */
const FLYWAY = /^([VUR])([\d._]*)__.+\.sql$/;

/** A folder's script names as its tool runs them up: golang-migrate's and db-migrate's downs left out, their numbers in number order. */
export function migrationOrder(names: string[]): string[] {
  let list = names;
  const ups = list.some((n) => UP.test(n));
  if (ups && list.some((n) => DOWN.test(n))) list = list.filter((n) => !DOWN.test(n));
  // golang-migrate numbers without zeros in front (1_, 2_, 10_) run in number order, not byte order (10 before 2).
  const number = (n: string) => Number(/^(\d+)_/.exec(n)?.[1]);
  if (ups && list.every((n) => UP.test(n) && Number.isFinite(number(n)))) list = [...list].sort((a, b) => number(a) - number(b) || (a < b ? -1 : 1));
  return list;
}

/** Flyway's callbacks run around a migrate: beforeMigrate first, afterMigrate last (the others are per migration, or other commands'). */
const CALLBACK = /^(before|after)[A-Za-z]*(__.+)?\.sql$/;

/**
 * A Flyway folder's scripts, as relative paths, in the order `flyway migrate` runs them on an empty database; or
 * undefined for a folder that is not one (no V file anywhere, or a top-level script of another kind). Flyway reads
 * its folder's subfolders too (release1/V1__…): there, they were data and never ran, and the start still succeeded.
 */
export function flywayOrder(top: string[], nested: string[]): string[] | undefined {
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const flyway = (p: string) => FLYWAY.test(base(p)) || CALLBACK.test(base(p));
  const all = [...top, ...nested.filter((p) => p.endsWith('.sql') && flyway(p))];
  if (!top.every(flyway) || !all.some((p) => FLYWAY.exec(base(p))?.[1] === 'V')) return undefined;
  const parts = (p: string) => FLYWAY.exec(base(p));
  const version = (p: string) => parts(p)![2]!.split(/[._]/).filter(Boolean).map(Number);
  const byVersion = (a: string, b: string) => {
    const [x, y] = [version(a), version(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  };
  const byName = (a: string, b: string) => (base(a) < base(b) ? -1 : base(a) > base(b) ? 1 : 0);
  const callbacks = (when: 'before' | 'after') => all.filter((p) => new RegExp(`^${when}Migrate(__.+)?\\.sql$`).test(base(p))).sort(byName);
  return [
    ...callbacks('before'),
    ...all.filter((p) => parts(p)?.[1] === 'V').sort(byVersion),
    ...all.filter((p) => parts(p)?.[1] === 'R').sort(byName),
    ...callbacks('after'),
  ];
}

/** Prisma: `migrations/<timestamp>_<name>/migration.sql`, one folder per migration, in name order. */
export const PRISMA_SCRIPT = 'migration.sql';

/** dbmate: a file of `-- migrate:up` statements, then `-- migrate:down` ones (a BOM or blank lines before may be). */
const DBMATE_UP = /^\uFEFF?\s*-- migrate:up\b.*$/m;
const DBMATE_DOWN = /^[ \t]*-- migrate:down\b.*$/m;
/** The up marker first in the file: anywhere else it is a comment of some other file. */
const DBMATE_FIRST = /^\uFEFF?\s*-- migrate:up\b/;

/** A dbmate file's up part (the statements its tool runs), or undefined for any other file. Reads its start first: dumps can be large. */
export function upPart(file: string): string | undefined {
  if (!/\.sql$/i.test(file)) return undefined;
  const head = Buffer.alloc(512);
  const fd = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!DBMATE_FIRST.test(head.subarray(0, read).toString('utf8'))) return undefined;
  const text = readFileSync(file, 'utf8');
  const start = DBMATE_UP.exec(text);
  if (!start) return undefined;
  const rest = text.slice(start.index + start[0].length);
  const down = DBMATE_DOWN.exec(rest);
  return down ? rest.slice(0, down.index) : rest;
}
