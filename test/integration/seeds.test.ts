import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createConnection } from 'mysql2/promise';
import { start } from '../../lib/index.js';
import { containersWith } from '../helpers/engine.js';
import { failure } from '../helpers/failure.js';

// These tests are about the scripts running, not about skipping them: no snapshots.
process.env.SANDPIT_SNAPSHOTS = '0';

const fixtures = fileURLToPath(new URL('../fixtures/seeds/', import.meta.url));
const temp = mkdtempSync(path.join(os.tmpdir(), 'sandpit-seeds-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A seed of `bytes` or more: multi-row INSERTs of ~100 KB each, written as a stream. */
async function bigSeed(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  out.write('CREATE TABLE big (id INT PRIMARY KEY, payload VARCHAR(1000));\n');
  const payload = 'x'.repeat(990);
  let written = 0;
  let id = 0;
  while (written < bytes) {
    const rows: string[] = [];
    for (let i = 0; i < 100; i++) rows.push(`(${++id},'${payload}')`);
    const statement = `INSERT INTO big VALUES ${rows.join(',')};\n`;
    written += statement.length;
    if (!out.write(statement)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
  return id;
}

// One container for every kind of entry, a 40 MB seed among them: each mysql start pays a cold initialisation.
describe('mysql init scripts run by the mysql client inside the container, in order', () => {
  let db: Awaited<ReturnType<typeof start<{ preset: 'mysql' }>>> | undefined;
  let query: <T>(sql: string, values?: unknown[]) => Promise<T>;
  let rows = 0;
  let end = async () => {};
  const notices: string[] = [];

  beforeAll(async () => {
    const big = path.join(temp, 'big.sql');
    rows = await bigSeed(big, 40 * 1024 * 1024);
    const gz = path.join(temp, 'data.sql.gz');
    writeFileSync(gz, gzipSync("CREATE TABLE zipped (v VARCHAR(20));\nINSERT INTO zipped VALUES ('from gz');\n"));
    db = await start({
      preset: 'mysql',
      initScripts: [
        path.join(fixtures, 'dump.sql'),
        path.join(fixtures, 'definers.sql'),
        gz,
        path.join(fixtures, 'shell.sh'),
        path.join(fixtures, 'migrations'),
        path.join(fixtures, 'with-data'),
        ...['golang-migrate', 'flyway', 'prisma', 'dbmate'].map((tool) => path.join(fixtures, 'tools', tool)),
        "INSERT INTO migrated VALUES (3); -- inline, after the folder",
        'CREATE DATABASE other; CREATE TABLE other.t (id INT);',
        "CREATE TABLE words (w VARCHAR(20)) DEFAULT CHARSET=utf8mb4; INSERT INTO words VALUES ('café ✓ 日本');",
        big,
      ],
      startupTimeout: 240_000,
      onProgress: ({ message, notice }) => notice && notices.push(message),
    });
    const connection = await createConnection(db.url);
    query = async <T>(sql: string, values?: unknown[]) => (await connection.query(sql, values))[0] as T;
    end = () => connection.end();
  }, 300_000);
  afterAll(async () => {
    await end();
    await db?.stop();
  });

  test('a mysqldump with DELIMITER blocks loads: the trigger fires, the procedure runs, the view answers', async () => {
    expect(await query('SELECT name, note FROM products ORDER BY id')).toEqual([
      { name: 'semi;colon', note: 'has a ; inside' },
      { name: 'dash -- dash', note: '-- not a comment' },
    ]);
    await query('CALL add_product(?, ?)', ['cheap thing', 1.5]);
    expect(await query('SELECT action FROM audit')).toEqual([{ action: 'insert' }]);
    expect(await query('SELECT name FROM cheap ORDER BY id')).toEqual([{ name: 'dash -- dash' }, { name: 'cheap thing' }]);
  });

  test("a dump's views and routines owned by an account this server lacks work for the app user; that account logs no one in", async () => {
    await query('CALL place_order(?, ?)', [3, 5]); // ER_NO_SUCH_USER (1449) without the definer's account
    expect(await query('SELECT total FROM order_totals')).toEqual([{ total: '47' }]);
    expect(await query('SELECT n FROM order_count')).toEqual([{ n: 3 }]); // owned by 'svc@corp'@'%'
    const locked = await createConnection({ host: db!.host, port: db!.port, user: 'shop_admin', password: '' }).then(
      (c) => c.end().then(() => 'logged in'),
      (error: { code?: string }) => error.code,
    );
    expect(locked).toBe('ER_ACCOUNT_HAS_BEEN_LOCKED');
  });

  test("a folder's data files are where its scripts read them, as with the folder mounted at /docker-entrypoint-initdb.d", async () => {
    expect(await query('SELECT id, name FROM cities ORDER BY id')).toEqual([
      { id: 1, name: 'Lisbon' },
      { id: 2, name: 'Porto' },
      { id: 3, name: 'Faro' },
    ]);
  });

  test("migration folders as their tools write them ran up as those tools run them (downs, undos and dbmate's down parts left out)", async () => {
    // golang-migrate: each .down.sql ran before its .up.sql; Flyway: R__ and V10 before V2; Prisma: "holds no
    // script"; dbmate: each file dropped what it made. The start failed, or the tables were missing.
    expect(await query('SELECT id, name, email FROM gm_users')).toEqual([{ id: 1, name: 'ada', email: 'ada@example.com' }]);
    expect(await query('SELECT label FROM fw_labels ORDER BY label')).toEqual([{ label: 'ten' }, { label: 'two' }]);
    const [fk] = await query<{ REFERENCED_TABLE_NAME: string }[]>(
      "SELECT REFERENCED_TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'pr_orders' AND REFERENCED_TABLE_NAME IS NOT NULL",
    );
    expect(fk).toEqual({ REFERENCED_TABLE_NAME: 'pr_users' });
    expect(await query('SELECT id, body FROM dm_notes')).toEqual([{ id: 1, body: 'kept' }]);
  });

  test('.sql.gz, a sourced .sh, a folder in name order and inline SQL all ran, in the given order', async () => {
    expect(await query('SELECT v FROM zipped')).toEqual([{ v: 'from gz' }]);
    expect(await query('SELECT COUNT(*) AS n FROM from_shell')).toEqual([{ n: 1 }]);
    expect(await query('SELECT step FROM migrated ORDER BY step')).toEqual([{ step: 1 }, { step: 2 }, { step: 3 }]);
  });

  test("tables in another database besides the url's: nothing said (a dump that filled only another one is, snapshots.test.ts)", () => {
    expect(notices).toEqual([]);
  });

  test("a seed's UTF-8 text is stored as written (the images' client took latin1 from the locale), and the container's client speaks utf8mb4", async () => {
    expect(await query('SELECT w, HEX(w) AS h FROM words')).toEqual([{ w: 'café ✓ 日本', h: Buffer.from('café ✓ 日本').toString('hex').toUpperCase() }]);
    const { stdout } = await db!.exec(['sh', '-c', 'mysql -uroot -p"$MYSQL_ROOT_PASSWORD" -N -e "SELECT @@character_set_client, w FROM words" test 2>/dev/null']);
    expect(stdout).toBe('utf8mb4\tcafé ✓ 日本\n');
  });

  test('a 40 MB seed loads whole', async () => {
    expect(await query('SELECT COUNT(*) AS n FROM big')).toEqual([{ n: rows }]);
  });
});

test('a broken script fails the start with INIT_SCRIPT_FAILED naming its file and line, and leaves no container', async () => {
  const folder = path.join(temp, 'broken');
  rmSync(folder, { recursive: true, force: true });
  const bad = path.join(folder, 'schema.sql');
  await import('node:fs/promises').then((fs) => fs.mkdir(folder));
  writeFileSync(bad, 'CREATE TABLE fine (id INT);\n\nCREATE TABEL broken (id INT);\n');
  const name = `seeds${process.pid}`;
  const error = await failure(start({ preset: 'mysql', name, initScripts: ['CREATE TABLE first (id INT);', bad], startupTimeout: 240_000 }));
  expect(error.code).toBe('INIT_SCRIPT_FAILED');
  expect(error.message.split('\n')[0]).toMatch(
    new RegExp(`^${name} \\(mysql\\): init script ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} failed: ERROR 1064 \\(42000\\) at line 3: You have an error in your SQL syntax`),
  );
  expect(await containersWith(`sandpit.name=${name}`)).toEqual([]);
}, 300_000);

test('a missing file is refused before any container starts', async () => {
  const error = await failure(start({ preset: 'mysql', initScripts: [path.join(temp, 'missing.sql.gz')] }));
  expect(error.code).toBe('INVALID_OPTION');
  expect(error.message).toContain('missing.sql.gz');
});
