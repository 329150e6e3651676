import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection } from 'mysql2/promise';
import { start } from '../../lib/index.js';
import { failure } from '../helpers/failure.js';
import { presetImage } from '../helpers/images.js';

/**
 * The mysql preset against the official image's own entrypoint (docker-library/mysql's
 * docker-entrypoint.sh, verbatim: test/fixtures/official/mysql), on the offline image's server. Users
 * pull mysql:8.4, which no registry here serves; this is its start-up, run for real.
 */
const IMAGE = 'sandpit-test/mysql-official:8.4';
const context = fileURLToPath(new URL('../fixtures/official/mysql', import.meta.url));
const seeds = fileURLToPath(new URL('../fixtures/seeds', import.meta.url));
const PREFIX = `sandpit-officialtest-${process.pid}`;
process.env.SANDPIT_SNAPSHOT_PREFIX = PREFIX;
const dir = mkdtempSync(path.join(os.tmpdir(), 'sandpit-official-'));
process.env.XDG_CACHE_HOME = dir;
const file = (name: string, content: string) => {
  writeFileSync(path.join(dir, name), content);
  return path.join(dir, name);
};
const snapshots = async (): Promise<string[]> => {
  const { stdout } = await execa('docker', ['images', '--filter', `reference=${PREFIX}/*`, '--format', '{{.Repository}}:{{.Tag}}']);
  return stdout.split('\n').filter(Boolean).sort();
};
const clientCharset = ['sh', '-c', 'mysql -uroot -p"$MYSQL_ROOT_PASSWORD" -N -e "SELECT @@character_set_client" 2>/dev/null'];

beforeAll(async () => {
  await execa('docker', ['build', '-q', '--build-arg', `BASE=${await presetImage('mysql')}`, '-t', IMAGE, context]);
}, 600_000);

afterAll(async () => {
  const tags = await snapshots();
  if (tags.length > 0) await execa('docker', ['rmi', ...tags], { reject: false });
  rmSync(dir, { recursive: true, force: true });
});

describe("the official image's entrypoint", () => {
  test('seeds as a dump ships them load; the snapshot taken through it starts with fresh passwords and the same data', async () => {
    const initScripts = [
      path.join(seeds, 'dump.sql'),
      path.join(seeds, 'definers.sql'),
      path.join(seeds, 'shell.sh'),
      path.join(seeds, 'migrations'),
      `CREATE TABLE words (w VARCHAR(20)) DEFAULT CHARSET=utf8mb4; INSERT INTO words VALUES ('café ✓ 日本'); -- ${Date.now()}`,
    ];
    const check = async (db: Awaited<ReturnType<typeof start<{ preset: 'mysql' }>>>) => {
      const connection = await createConnection(db.url);
      try {
        const query = async (sql: string) => (await connection.query(sql))[0];
        expect(await query('SELECT name FROM products ORDER BY id')).toEqual([{ name: 'semi;colon' }, { name: 'dash -- dash' }]);
        await query('CALL place_order(3, 5)'); // a definer the dump names, made by sandpit's own script
        expect(await query('SELECT step FROM migrated ORDER BY step')).toEqual([{ step: 1 }, { step: 2 }]);
        expect(await query('SELECT COUNT(*) AS n FROM from_shell')).toEqual([{ n: 1 }]);
        expect(await query('SELECT w FROM words')).toEqual([{ w: 'café ✓ 日本' }]);
      } finally {
        await connection.end();
      }
      expect((await db.exec(clientCharset)).stdout).toBe('utf8mb4\n');
    };
    const said: string[] = [];
    await using first = await start({ preset: 'mysql', image: IMAGE, initScripts, onProgress: ({ message }) => said.push(message) });
    expect(said).toContain('initialised');
    await check(first);
    const taken = await snapshots();
    expect(taken).toHaveLength(1);
    await using second = await start({ preset: 'mysql', image: IMAGE, initScripts, password: 'second pw' });
    expect((await execa('docker', ['inspect', '-f', '{{.Config.Image}}', second.containerId])).stdout).toBe(taken[0]);
    await check(second);
  }, 240_000);

  test('a dump that fills another database than the url\'s: the notice, as with the offline image', async () => {
    const said: string[] = [];
    await using db = await start({ preset: 'mysql', image: IMAGE, snapshot: false, initScripts: ['CREATE DATABASE shop; CREATE TABLE shop.t (id INT);'], onProgress: ({ message, notice }) => notice && said.push(message) });
    expect(said.filter((line) => line.startsWith('the init scripts made'))).toEqual([
      "the init scripts made tables in shop and none in test, the url's database: set the database option to shop (a mysqldump --databases dump creates its own)",
    ]);
    // No seeds and no snapshot: the client's character set is still set (mysql-client.ts).
    await using bare = await start({ preset: 'mysql', image: IMAGE, snapshot: false });
    expect((await bare.exec(clientCharset)).stdout).toBe('utf8mb4\n');
    expect(db.url).toMatch(/\/test$/);
  }, 240_000);

  test.each([
    ['a failing statement names its file and line', 'broken.sql', 'CREATE TABLE a (id INT);\nINSERT INTO nope VALUES (1);\n', "failed: ERROR 1146 (42S02) at line 2: Table 'test.nope' doesn't exist"],
    ["a sourced script's exit 0 is a failed start, not a snapshot of half the data", 'early.sh', 'echo leaving early\nexit 0\n', 'failed: leaving early'],
  ])('%s; nothing is left', async (_, name, content, said) => {
    const before = await snapshots();
    const script = file(name, `${content}# ${Date.now()}\n`);
    const error = await failure(start({ preset: 'mysql', image: IMAGE, initScripts: [script] }));
    expect(error.code).toBe('INIT_SCRIPT_FAILED');
    expect(error.message.split('\n')[0]).toBe(`mysql: init script ${script} ${said}`);
    expect(await snapshots()).toEqual(before);
    const { stdout } = await execa('docker', ['ps', '-a', '--filter', 'label=sandpit.snapshot.building', '--format', '{{.Label "sandpit.snapshot.building"}}']);
    expect(stdout.split('\n').filter((tag) => tag.startsWith(`${PREFIX}/`))).toEqual([]);
  }, 240_000);
});
