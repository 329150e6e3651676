import { afterAll, describe, expect, test } from '@jest/globals';
import { chmodSync, symlinkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { checkEntries, entryKind, packSeeds, planSeeds, seedFailure } from '../../lib/seeds/index.js';
import { redisEntries } from '../../lib/presets/redis-data.js';
import { failure } from '../helpers/failure.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sandpit-seeds-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('entries', () => {
  test.each([
    ['schema.sql', 'file'],
    ['seed.sql.gz', 'file'],
    ['seed.sql.zst', 'file'],
    ['setup.sh', 'file'],
    ['./migrations', 'folder'],
    ['db/migrations', 'folder'],
    ['CREATE TABLE t (id INT);', 'sql'],
    ["INSERT INTO t VALUES ('a.sql')", 'sql'],
    ['seed', 'folder'], // one word is no statement: a folder's name (mistyped, it is said missing before any start)
    ['COMMIT;', 'sql'],
  ])('%s is a %s', (entry, kind) => expect(entryKind(entry)).toBe(kind));

  test('a missing file or folder is INVALID_OPTION naming it, before anything starts', async () => {
    for (const entry of ['missing.sql.xz', './missing-folder', 'seeds']) {
      const error = await failure(Promise.resolve().then(() => checkEntries('mysql', [entry], dir)));
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toContain(`"${entry}"`);
      expect(error.message).toContain(`relative to ${dir}`);
    }
  });

  test('a file mysql would not run (schema.txt, ./schema.txt) is INVALID_OPTION, not SQL text run after the start', async () => {
    writeFileSync(path.join(dir, 'schema.txt'), 'CREATE TABLE t (id INT);');
    for (const entry of ['schema.txt', './schema.txt']) {
      const error = await failure(Promise.resolve().then(() => checkEntries('mysql', [entry], dir)));
      expect([error.code, error.message.split('\n')[0]]).toEqual([
        'INVALID_OPTION',
        `mysql: init script "${entry}" is a file mysql does not run: rename it to end in .sql, .sql.gz, .sql.bz2, .sql.xz, .sql.zst or .sh (${path.join(dir, 'schema.txt')}).`,
      ]);
    }
  });

  test('a folder with no script in it is INVALID_OPTION before anything starts, alone or beside others', async () => {
    mkdirSync(path.join(dir, 'empty'));
    writeFileSync(path.join(dir, 'empty', 'README.md'), 'not a script');
    for (const entries of [['empty'], ['CREATE TABLE t1 (id INT);', './empty']]) {
      const error = await failure(Promise.resolve().then(() => checkEntries('mysql', entries, dir)));
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toMatch(/^mysql: init script folder "(\.\/)?empty" holds no \.sql, .* file \(.*\): add one, or leave the folder out\.$/);
    }
  });
});

test('planned seeds keep the given order, expand folders in name order; a folder\'s other files keep their path (its scripts read them)', async () => {
  const folder = path.join(dir, 'migrations');
  mkdirSync(path.join(folder, 'data', 'deep'), { recursive: true });
  for (const name of ['b.sql', 'a.sql.gz', 'notes.md', 'c.sh', 'data/cities.csv', 'data/deep/x.sql']) writeFileSync(path.join(folder, name), 'x');
  chmodSync(path.join(folder, 'c.sh'), 0o755);
  writeFileSync(path.join(dir, 'first.sql'), 'SELECT 1;');
  const seeds = await planSeeds('mysql', checkEntries('mysql', ['first.sql', 'migrations', 'SELECT 2;'], dir));
  // A script in a subfolder is data there too: the entrypoint runs the folder's top level only.
  expect(seeds.map((s) => s.name)).toEqual(['001-first.sql', '002-a.sql.gz', '003-b.sql', '004-c.sh', '005-inline.sql', 'data/cities.csv', 'data/deep/x.sql', 'notes.md']);
  expect(seeds[4]!.label).toBe('#3 (inline SQL)');
  expect(seeds[3]!.source).toMatchObject({ mode: 0o755 });
  // The same bytes at one path in two folders are one file; dotfiles are no data (.DS_Store in each); a link is followed.
  mkdirSync(path.join(dir, 'more'));
  for (const name of ['d.sql', 'notes.md', '.DS_Store']) writeFileSync(path.join(dir, 'more', name), 'x');
  writeFileSync(path.join(folder, '.DS_Store'), 'y');
  symlinkSync(path.join(folder, 'data', 'cities.csv'), path.join(dir, 'more', 'linked.csv'));
  symlinkSync(path.join(folder, 'data', 'deep'), path.join(dir, 'more', 'deep-again')); // a second link to one folder: both shown
  symlinkSync(path.join(dir, 'nowhere.csv'), path.join(dir, 'more', 'broken.csv')); // a link to nothing: skipped, as a mount shows it broken
  symlinkSync(dir, path.join(dir, 'more', 'up')); // back up: walked once, not for ever
  symlinkSync(path.join(folder, 'b.sql'), path.join(dir, 'more', 'e.sql')); // a linked script runs
  const both = await planSeeds('mysql', checkEntries('mysql', ['migrations', 'more'], dir));
  expect(both.map((s) => s.name).filter((n) => !/^\d/.test(n))).toEqual(expect.arrayContaining(['data/cities.csv', 'data/deep/x.sql', 'notes.md', 'linked.csv', 'deep-again/x.sql']));
  expect(both.map((s) => s.name)).toContain('005-e.sql');
  expect(both.map((s) => s.name).filter((n) => n.includes('broken'))).toEqual([]);
  // Two folders' different data at one path: refused, not one silently overwriting the other.
  writeFileSync(path.join(dir, 'more', 'notes.md'), 'other');
  const twice = await failure(planSeeds('mysql', checkEntries('mysql', ['migrations', 'more'], dir)));
  expect(twice.message).toMatch(/^mysql: init script folders hold notes\.md twice \(.*migrations\/notes\.md and .*more\/notes\.md\), and both would be \/docker-entrypoint-initdb\.d\/notes\.md: rename one\.$/);
});

test('a folder emptied between the check and the start is said as the check says it, not started with nothing', async () => {
  const folder = path.join(dir, 'emptied');
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'a.sql'), 'SELECT 1;');
  const checked = checkEntries('mysql', ['emptied'], dir);
  rmSync(path.join(folder, 'a.sql'));
  const error = await failure(planSeeds('mysql', checked));
  expect([error.code, error.message]).toEqual(['INVALID_OPTION', `mysql: init script folder "${folder}" holds no .sql, .sql.gz, .sql.bz2, .sql.xz, .sql.zst or .sh file (${folder}): add one, or leave the folder out.`]);
});

describe('reading a failure from the log', () => {
  const seeds = [{ name: '001-schema.sql', label: 'db/schema.sql', source: { text: '' } }];
  const log = (...lines: string[]) =>
    ['2026-11-23 21:17:23+00:00 [Note] [Entrypoint]: /usr/local/bin/docker-entrypoint.sh: running /docker-entrypoint-initdb.d/001-schema.sql', ...lines].join('\n');

  test("names the file as the user gave it, the line and the client's message", () => {
    const error = seedFailure('mysql', log("ERROR 1146 (42S02) at line 2: Table 'test.nowhere' doesn't exist"), seeds);
    expect(error?.code).toBe('INIT_SCRIPT_FAILED');
    expect(error?.message).toBe("mysql: init script db/schema.sql failed: ERROR 1146 (42S02) at line 2: Table 'test.nowhere' doesn't exist");
  });

  test("a seed that assumes compose's database name (USE shop): how to have it made", () => {
    expect(seedFailure('mysql', log("ERROR 1049 (42000) at line 1: Unknown database 'shop'"), seeds)?.message).toBe(
      `mysql: init script db/schema.sql failed: ERROR 1049 (42000) at line 1: Unknown database 'shop'. The service makes its one database before the scripts run: if that is shop, give it "database": "shop" (--database shop); else CREATE DATABASE \`shop\` in a script`,
    );
  });

  test("the client's error logged just before the entrypoint's note (stderr and stdout, not kept in order) is still the script's", () => {
    const [running] = log().split('\n');
    const logs = [
      '2026-12-07 00:52:25+00:00 [Note] [Entrypoint]: Creating user test',
      "ERROR 1064 (42000) at line 1: You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '(' at line 1",
      '2026-12-07 00:52:25+00:00 [Note] [Entrypoint]: Giving user test access to schema test',
      running,
    ].join('\n');
    expect(seedFailure('mysql', logs, seeds)?.message).toBe(
      "mysql: init script db/schema.sql failed: ERROR 1064 (42000) at line 1: You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '(' at line 1",
    );
  });

  test("an earlier sourced script's tolerated error (`|| true`) is not blamed on the next script, which failed otherwise", () => {
    const two = [...seeds, { name: '002-data.sql.gz', label: 'db/data.sql.gz', source: { text: '' } }];
    const logs = [
      log().split('\n')[0]!,
      "ERROR 1050 (42S01) at line 1: Table 't' already exists",
      '2026-11-23 21:17:24+00:00 [Note] [Entrypoint]: /usr/local/bin/docker-entrypoint.sh: running /docker-entrypoint-initdb.d/002-data.sql.gz',
      'gzip: stdin: not in gzip format',
    ].join('\n');
    expect(seedFailure('mysql', logs, two)?.message).toBe('mysql: init script db/data.sql.gz failed: gzip: stdin: not in gzip format');
  });

  test('a shell script that fails is reported with what it printed', () => {
    expect(seedFailure('mysql', log('cp: cannot stat x: No such file or directory'), seeds)?.message).toBe(
      'mysql: init script db/schema.sql failed: cp: cannot stat x: No such file or directory',
    );
  });

  test('no script running: not a seed failure', () => {
    expect(seedFailure('mysql', '[ERROR] [Entrypoint]: Database is uninitialized', seeds)).toBeUndefined();
  });

  test("a failure after sandpit's own last script (a snapshot's) names no script: the user's all ran", () => {
    const after = log(
      '2026-11-23 21:17:24+00:00 [Note] [Entrypoint]: /usr/local/bin/docker-entrypoint.sh: sourcing /docker-entrypoint-initdb.d/zzz-sandpit-redo-log.sh',
      "ERROR 1193 (HY000) at line 1: Unknown system variable 'innodb_redo_log_capacity'",
      '2026-11-23 21:17:25+00:00 [ERROR] [Entrypoint]: Unable to shut down server.',
    );
    expect(seedFailure('mysql', after, seeds)).toBeUndefined();
  });
});

test("a plan that fails before the packer reads it is the stream's error, not an unhandled rejection (which ends the process)", async () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', record);
  try {
    const stream = packSeeds(Promise.reject(new Error('folder emptied since the check')));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the rejection settles before anyone reads
    const error = await text(stream).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toBe('folder emptied since the check');
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', record);
  }
});

test('redis: one word naming a file or folder it would not run is INVALID_OPTION, not a command sent after the start', async () => {
  writeFileSync(path.join(dir, 'cmds.sql'), 'SET a 1');
  mkdirSync(path.join(dir, 'redis-folder'));
  for (const [entry, what] of [[path.join(dir, 'cmds.sql'), 'file'], [path.join(dir, 'redis-folder'), 'folder']] as const) {
    const error = await failure(Promise.resolve().then(() => redisEntries([entry])));
    expect([error.code, error.message]).toEqual([
      'INVALID_OPTION',
      `redis: init script "${entry}" is a ${what} redis does not run: give .redis or .txt files of commands (or an .rdb file first), or command text (${entry}).`,
    ]);
  }
  expect(redisEntries(['FLUSHALL', 'SET a 1'])).toEqual(['FLUSHALL', 'SET a 1']); // commands stay commands
});

test('redis: a command word stays a command when a file of that name happens to be in the current folder', () => {
  // Only a path-shaped word (a dot or a slash) or a folder is taken for a path: `--init INFO` run where
  // a file called INFO lies is the INFO command.
  writeFileSync(path.join(dir, 'INFO'), 'not commands');
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    expect(redisEntries(['INFO', 'FLUSHALL'])).toEqual(['INFO', 'FLUSHALL']);
  } finally {
    process.chdir(cwd);
  }
});

test('migration folders run as their tools run them up: golang-migrate without its downs, Flyway by version, Prisma one folder each, dbmate its up part', async () => {
  const make = (folder: string, files: Record<string, string>) => {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, folder, name)), { recursive: true });
      writeFileSync(path.join(dir, folder, name), text);
    }
    return folder;
  };
  const golang = make('golang', { '000001_users.up.sql': 'u1', '000001_users.down.sql': 'd1', '000002_orders.up.sql': 'u2', '000002_orders.down.sql': 'd2' });
  const flyway = make('flyway', { 'V1__init.sql': 'v1', 'V2__more.sql': 'v2', 'V10__last.sql': 'v10', 'V1.1__fix.sql': 'v11', 'U2__undo.sql': 'undo', 'R__views.sql': 'r' });
  const prisma = make('prisma', { 'migration_lock.toml': 'provider = "mysql"', '20240102_orders/migration.sql': 'p2', '20240101_init/migration.sql': 'p1' });
  const dbmate = make('dbmate', {
    '20240101_users.sql': '-- migrate:up\nCREATE TABLE users (id INT);\n\n-- migrate:down\nDROP TABLE users;\n',
    '20240102_bom.sql': '\uFEFF\n-- migrate:up\nSELECT 2;\n-- migrate:down\nSELECT 3;\n', // a BOM, a blank line first: it threw
    'plain.sql': 'SELECT 1;',
  });
  const unpadded = make('golang-unpadded', { '1_a.up.sql': 'a', '1_a.down.sql': '-a', '2_b.up.sql': 'b', '2_b.down.sql': '-b', '10_c.up.sql': 'c', '10_c.down.sql': '-c' });
  const upsOnly = make('golang-ups', { '1_a.up.sql': 'ua', '2_b.up.sql': 'ub', '10_c.up.sql': 'uc' }); // 10 ran before 2
  // Flyway's subfolders (they were data, never run) and its callbacks (one made the folder run in byte order).
  const flywayTree = make('flyway-tree', { 'release1/V1__t1.sql': 'f1', 'release1/V1_1__x.sql': 'f11', 'release2/V2__t2.sql': 'f2', 'R__view.sql': 'fr', 'afterMigrate.sql': 'fafter', 'beforeMigrate.sql': 'fbefore', 'release2/notes.md': 'data' });
  const seeds = await planSeeds('mysql', checkEntries('mysql', [golang, flyway, prisma, dbmate, unpadded, upsOnly, flywayTree], dir));
  const content = (s: (typeof seeds)[number]) => ('text' in s.source ? s.source.text : readFileSync(s.source.file, 'utf8'));
  const scripts = seeds.filter((s) => /^\d/.test(s.name));
  // Before: d1 u1 d2 u2 (each down first, in byte order); V1 V10 V1.1 V2 U2 R; Prisma's folder "holds no script".
  expect(scripts.map(content)).toEqual(['u1', 'u2', 'v1', 'v11', 'v2', 'v10', 'r', 'p1', 'p2', '\nCREATE TABLE users (id INT);\n\n', '\nSELECT 2;\n', 'SELECT 1;', 'a', 'b', 'c', 'ua', 'ub', 'uc', 'fbefore', 'f1', 'f11', 'f2', 'fr', 'fafter']);
  expect(scripts.map((s) => s.label).slice(7, 9)).toEqual(['prisma/20240101_init/migration.sql', 'prisma/20240102_orders/migration.sql'].map((p) => path.join(dir, p)));
  // `prisma` for `prisma/migrations`: said.
  make('prisma-root', { 'schema.prisma': 'model A {}', 'migrations/20240101_init/migration.sql': 'p' });
  const root = await failure(Promise.resolve().then(() => checkEntries('mysql', ['prisma-root'], dir)));
  expect(root.message).toMatch(/^mysql: init script folder "prisma-root" holds no .* Did you mean "prisma-root\/migrations"\?$/);
  // Prisma's scripts are not data too; its lock file is (as any other file of a folder).
  expect(seeds.filter((s) => !/^\d/.test(s.name)).map((s) => s.name)).toEqual(['migration_lock.toml', 'release2/notes.md']);
});
