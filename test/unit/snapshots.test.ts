import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseRedisCommands } from '../../lib/seeds/redis-commands.js';
import { snapshotKey } from '../../lib/snapshots/key.js';
import { SNAPSHOT_FORMAT } from '../../lib/snapshots/names.js';
import { originFolder } from '../../lib/snapshots/origin.js';

describe('snapshot key', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sandpit-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string) => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
    return path.join(dir, name);
  };
  const key = (scripts: string[], shapes: Record<string, unknown> = { database: 'test' }, baseId = 'sha256:a') =>
    snapshotKey({ preset: 'mysql', baseId, shapes, scripts });

  test('names the bytes, not the paths; any change of script, option or base is another key', async () => {
    const one = await key([write('a/seed.sql', 'CREATE TABLE t (x INT);')]);
    expect(await key([write('b/elsewhere.sql', 'CREATE TABLE t (x INT);')])).toBe(one);
    expect(await key([write('c/seed.sql', 'CREATE TABLE t (x BIGINT);')])).not.toBe(one);
    expect(await key([write('d/seed.sh', 'CREATE TABLE t (x INT);')])).not.toBe(one); // runs otherwise
    expect(await key([path.join(dir, 'a/seed.sql')], { database: 'other' })).not.toBe(one);
    expect(await key([path.join(dir, 'a/seed.sql')], undefined, 'sha256:b')).not.toBe(one);
    expect(await key(['CREATE TABLE t (x INT);'])).not.toBe(one); // inline text is not a file
    expect(await key([])).not.toBe(await key([], { database: 'test', user: 'u' }));
  });

  test('a key does not change between versions of one snapshot format: snapshots taken before are still found', async () => {
    // Pinned at format 2 (format 1's were fbca547501fdf2b4 and 0063f649dc27cf83, also with the shapes sorted
    // by localeCompare then); given out of order on purpose. A new format changes them: bump it knowingly.
    expect(SNAPSHOT_FORMAT).toBe('4');
    expect(await snapshotKey({ preset: 'mysql', baseId: 'sha256:abc', shapes: { user: 'test', database: 'test' }, scripts: ['CREATE TABLE t (id int);'] })).toBe('d7d1686604248a1b');
    expect(await snapshotKey({ preset: 'redis', baseId: 'sha256:abc', shapes: { databases: 32 }, scripts: [] })).toBe('4dbdf6991e92ccae');
  });

  test('inline SQL longer than a path may be is text, not a failed stat (ENAMETOOLONG)', async () => {
    const long = `INSERT INTO t VALUES ${Array.from({ length: 2000 }, (_, i) => `(${i})`).join(', ')};`;
    expect(await key([long])).toMatch(/^[0-9a-f]{16}$/);
  });

  test('a folder is its files in name order', async () => {
    write('f/1.sql', 'one');
    write('f/2.sql', 'two');
    const folder = await key([path.join(dir, 'f')]);
    expect(folder).toBe(await key([path.join(dir, 'f/1.sql'), path.join(dir, 'f/2.sql')]));
    expect(folder).not.toBe(await key([path.join(dir, 'f/2.sql'), path.join(dir, 'f/1.sql')]));
  });

  test("a folder's subfolders are data its scripts read: an edit there, or a move, is another key", async () => {
    write('g/1.sql', 'one');
    const before = await key([path.join(dir, 'g')]);
    write('g/data/cities.csv', '1,Lisbon\n');
    const withData = await key([path.join(dir, 'g')]);
    expect(withData).not.toBe(before);
    write('g/data/cities.csv', '1,Porto\n');
    expect(await key([path.join(dir, 'g')])).not.toBe(withData);
    const porto = await key([path.join(dir, 'g')]);
    expect(porto).not.toBe(withData);
    rmSync(path.join(dir, 'g/data'), { recursive: true });
    write('g/other/cities.csv', '1,Porto\n'); // the same bytes elsewhere: the script reads another path
    expect(await key([path.join(dir, 'g')])).not.toBe(porto);
    const beforeDot = await key([path.join(dir, 'g')]);
    write('g/.DS_Store', 'finder');
    expect(await key([path.join(dir, 'g')])).toBe(beforeDot);
  });
});

describe('redis command files', () => {
  test('words, quotes and escapes as redis-cli reads them; comments and blank lines skipped', () => {
    const text = ['SET a 1', '', '# a comment', `  SET "greeting" "hello \\"you\\"\\n\\x41"`, `RPUSH l 'it\\'s' "" x`].join('\n');
    expect(parseRedisCommands(text)).toEqual([
      { line: 1, args: ['SET', 'a', '1'] },
      { line: 4, args: ['SET', 'greeting', 'hello "you"\nA'] },
      { line: 5, args: ['RPUSH', 'l', "it's", '', 'x'] },
    ]);
  });

  test('an unbalanced quote names its line', () => {
    expect(() => parseRedisCommands('SET a 1\nSET b "open')).toThrow(/line 2: unbalanced "/);
  });
});

describe('snapshot origin', () => {
  // A monorepo: the root and each package has its package.json; api's migrations are its own.
  const mono = mkdtempSync(path.join(os.tmpdir(), 'sandpit-origin-'));
  afterAll(() => rmSync(mono, { recursive: true, force: true }));
  for (const [file, content] of [
    ['package.json', '{}'],
    ['packages/api/package.json', '{}'],
    ['packages/api/db/001_users.sql', 'CREATE TABLE users (id INT);'],
    ['packages/worker/package.json', '{}'],
    ['packages/worker/seed.redis', 'SET k v'],
  ]) {
    mkdirSync(path.dirname(path.join(mono, file!)), { recursive: true });
    writeFileSync(path.join(mono, file!), content!);
  }

  test("a root run's snapshot is recorded for the package its init scripts are in, not for the root", () => {
    expect(originFolder([path.join(mono, 'packages/api/db')], mono)).toBe(path.join(mono, 'packages/api'));
    expect(originFolder(['packages/worker/seed.redis'], mono)).toBe(path.join(mono, 'packages/worker'));
    // The same from inside the package: one origin, wherever the run started.
    expect(originFolder(['db'], path.join(mono, 'packages/api'))).toBe(path.join(mono, 'packages/api'));
    // The package folder itself given as the scripts' folder: that package, not the one above.
    expect(originFolder(['.'], path.join(mono, 'packages/worker'))).toBe(path.join(mono, 'packages/worker'));
    // Inline scripts, none, or scripts of two packages: the folder the run started in.
    expect(originFolder(['CREATE TABLE t (id INT)'], mono)).toBe(mono);
    expect(originFolder([], mono)).toBe(mono);
    expect(originFolder(['packages/api/db', 'packages/worker/seed.redis'], mono)).toBe(mono);
  });
});
