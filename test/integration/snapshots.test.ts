import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection } from 'mysql2/promise';
import { start } from '../../lib/index.js';
import { startOwn } from '../../lib/service/start.js';
import { startAll } from '../../lib/service/group.js';
import { claim } from '../../lib/cleanup/reused.js';
import { failure } from '../helpers/failure.js';
import { presetImage } from '../helpers/images.js';
import { shortFolder } from '../../lib/cleanup/project.js';

// Snapshots of these tests' own, removed at the end; last-use markers in a temp cache folder.
const PREFIX = `sandpit-snaptest-${process.pid}`;
process.env.SANDPIT_SNAPSHOT_PREFIX = PREFIX;
const dir = mkdtempSync(path.join(os.tmpdir(), 'sandpit-snapshots-'));
process.env.XDG_CACHE_HOME = dir;
const fixture = fileURLToPath(new URL('../fixtures/snapshot-start.mjs', import.meta.url));
const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

const snapshots = async (): Promise<string[]> => {
  const { stdout } = await execa('docker', ['images', '--filter', `reference=${PREFIX}/*`, '--format', '{{.Repository}}:{{.Tag}}']);
  return stdout.split('\n').filter(Boolean).sort();
};
/** Containers a snapshot is being taken from, by this file (a started service inherits the label, blank). */
const building = async (): Promise<string[]> => {
  const { stdout } = await execa('docker', ['ps', '-a', '--filter', 'label=sandpit.snapshot.building', '--format', '{{.Label "sandpit.snapshot.building"}}']);
  return stdout.split('\n').filter((tag) => tag.startsWith(`${PREFIX}/`));
};
const file = (name: string, content: string) => {
  writeFileSync(path.join(dir, name), content);
  return path.join(dir, name);
};

afterAll(async () => {
  const tags = await snapshots();
  if (tags.length > 0) await execa('docker', ['rmi', ...tags], { reject: false });
  rmSync(dir, { recursive: true, force: true });
});

describe('redis init scripts and snapshots', () => {
  // INCR leaves a trace of each run: 1 after the run that took the snapshot, 2 if a script ran again.
  const script = () => file('seed.redis', `SET greeting "hello world"\nRPUSH letters a b 'c d'\nINCR runs\n# ${Date.now()}\n`);
  let seed: string;
  beforeAll(() => {
    seed = script();
  });

  const runs = async (s: { exec(c: string[]): Promise<{ stdout: string }> }, password: string) =>
    (await s.exec(['redis-cli', '-a', password, '--no-auth-warning', 'MGET', 'runs', 'greeting'])).stdout.trim().split('\n');

  test("a start's own labels (a warm-reuse claim) stay off the snapshot and the services started from it", async () => {
    const seeded = file('labels.redis', `SET k v\n# ${Date.now()}\n`);
    const token = `snapshot-labels-${Date.now()}`;
    const labels = { 'sandpit.reuse': 'key', 'sandpit.reuse.claim': token, 'sandpit.session': 'detached' };
    const before = await snapshots();
    // Held as a warm start holds it (lib/reuse/fresh.ts): a reaper an earlier suite left running removes
    // a reuse-labelled container nobody holds, one still starting too.
    const release = await claim(token);
    try {
      const claimed = await startOwn({ preset: 'redis', initScripts: [seeded], labels });
      await claimed.stop();
    } finally {
      await release?.();
    }
    const [taken] = (await snapshots()).filter((tag) => !before.includes(tag));
    expect(taken).toBeDefined();
    const { stdout } = await execa('docker', ['image', 'inspect', taken!, '--format', '{{json .Config.Labels}}']);
    const imageLabels = JSON.parse(stdout) as Record<string, string>;
    // sandpit.session is every service's own label, blanked on the image; the reuse keys must be absent.
    expect(Object.keys(imageLabels)).not.toContain('sandpit.reuse');
    expect(Object.keys(imageLabels)).not.toContain('sandpit.reuse.claim');
    await using plain = await start({ preset: 'redis', initScripts: [seeded] });
    const { stdout: own } = await execa('docker', ['inspect', plain.containerId, '--format', '{{json .Config.Labels}}']);
    expect(Object.keys(JSON.parse(own) as object)).not.toContain('sandpit.reuse');
  });

  test('the first start takes a snapshot; the second starts from it and runs no script', async () => {
    const before = await snapshots();
    const said: string[] = [];
    {
      const onProgress = ({ stage, message }: { stage: string; message: string }) => said.push(`${stage}: ${message}`);
      await using first = await start({ preset: 'redis', password: 'one', initScripts: [seed], onProgress });
      // The builder's steps are the snapshot's: ready once, at the end, for the service itself.
      expect(said.filter((line) => line.startsWith('ready: ready'))).toEqual(['ready: ready']);
      expect(said.at(-1)).toBe('ready: ready');
      expect(said).toContain('build: initialised');
      expect(said.indexOf('build: initialised')).toBeLessThan(said.indexOf('build: saving the snapshot image'));
      expect(await runs(first, 'one')).toEqual(['1', 'hello world']);
      const letters = await first.exec(['redis-cli', '-a', 'one', '--no-auth-warning', 'LRANGE', 'letters', '0', '-1']);
      expect(letters.stdout.trim().split('\n')).toEqual(['a', 'b', 'c d']);
    }
    const after = await snapshots();
    expect(after.length).toBe(before.length + 1);
    await using second = await start({ preset: 'redis', password: 'two', initScripts: [seed] });
    expect(await runs(second, 'two')).toEqual(['1', 'hello world']);
    expect(await snapshots()).toEqual(after);
    const image = (await execa('docker', ['inspect', '-f', '{{.Config.Image}}', second.containerId])).stdout;
    expect(after).toContain(image);
    // The image passes on no owner, session or options of the run that took it, and no label key
    // that would make a service look like something else (a blank sandpit.reuse reads as "kept warm").
    const labels = JSON.parse((await execa('docker', ['inspect', '-f', '{{json .Config.Labels}}', image])).stdout) as Record<string, string>;
    const passedOn = Object.entries(labels).filter(([key, value]) => key.startsWith('sandpit.') && !key.startsWith('sandpit.snapshot') && key !== 'sandpit.image' && value !== '');
    expect(passedOn).toEqual([]);
    expect(Object.keys(labels).filter((key) => key.startsWith('sandpit.reuse'))).toEqual([]);
  });

  test("the snapshot's labels keep what they were given: a script named with a $ (the engine expanded $dollar to nothing)", async () => {
    const named = file(`with$dollar-${Date.now()}.redis`, 'SET k v\n');
    await using cache = await start({ preset: 'redis', initScripts: [named] });
    const image = (await execa('docker', ['inspect', '-f', '{{.Config.Image}}', cache.containerId])).stdout;
    const { stdout } = await execa('docker', ['inspect', '-f', '{{index .Config.Labels "sandpit.snapshot.scripts"}}', image]);
    expect(stdout).toBe(path.basename(named));
  });

  test("a seed that leaves keys with an expiry runs at each start: its expiries count from that start, not the snapshot's", async () => {
    const expiring = file('expiring.redis', `SET session token EX 3600\nSET plain kept\n# ${Date.now()}\n`);
    const expiresAt = async () => {
      const said: string[] = [];
      await using cache = await start({ preset: 'redis', initScripts: [expiring], onProgress: ({ message }) => said.push(message) });
      const { stdout } = await cache.exec(['redis-cli', 'EXPIRETIME', 'session']);
      return { at: Number(stdout.trim()), said };
    };
    const before = await snapshots();
    const first = await expiresAt();
    // The note is all that is kept: the base image's layers and labels, none of the seed's data or scripts.
    const [note] = (await snapshots()).filter((tag) => !before.includes(tag));
    const base = (await execa('docker', ['inspect', '-f', '{{index .Config.Labels "sandpit.snapshot.base"}}', note!])).stdout;
    const size = async (image: string) => Number((await execa('docker', ['image', 'inspect', '-f', '{{.Size}}', image])).stdout);
    expect(await size(note!)).toBe(await size(base));
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const second = await expiresAt();
    // From a snapshot both would fall due at one moment, and an hour later every start would lack the key.
    expect(second.at - first.at).toBeGreaterThanOrEqual(2);
    expect(first.said).toContain('the init scripts leave keys that expire, which a snapshot would hold to fixed times: so no snapshot is kept after all; they run at each start');
    expect(second.said).toContain('the init scripts leave keys that expire, which a snapshot would hold to fixed times: they run at this start, with no snapshot');
  });

  test("hash fields with an expiry of their own (HEXPIRE, redis 7.4+) count too: no snapshot holds them", async () => {
    const fields = file('fields.redis', `HSET session token t1 user u1\nHEXPIRE session 3600 FIELDS 1 token\n# ${Date.now()}\n`);
    const said: string[] = [];
    await using cache = await start({ preset: 'redis', initScripts: [fields], onProgress: ({ message }) => said.push(message) });
    expect(Number((await cache.exec(['redis-cli', 'HTTL', 'session', 'FIELDS', '1', 'token'])).stdout.trim())).toBeGreaterThan(3500);
    expect(said).toContain('the init scripts leave keys that expire, which a snapshot would hold to fixed times: so no snapshot is kept after all; they run at each start');
  });

  test('a changed script makes a new snapshot; snapshot: false and SANDPIT_SNAPSHOTS=0 run the scripts and take none', async () => {
    const before = await snapshots();
    const changed = file('changed.redis', `SET greeting changed\nINCR runs\n# ${Date.now()}\n`);
    {
      await using s = await start({ preset: 'redis', initScripts: [changed] });
      expect(await runs(s, '')).toEqual(['1', 'changed']);
    }
    const after = await snapshots();
    expect(after.length).toBe(before.length + 1);

    const fresh = file('fresh.redis', `INCR runs\n# ${Date.now()}\n`);
    {
      await using plain = await start({ preset: 'redis', initScripts: [fresh], snapshot: false });
      expect(await runs(plain, '')).toEqual(['1']); // greeting unset: not from the other snapshots
      expect((await execa('docker', ['inspect', '-f', '{{.Config.Image}}', plain.containerId])).stdout).not.toContain(PREFIX);
    }
    process.env.SANDPIT_SNAPSHOTS = '0';
    try {
      await using plain = await start({ preset: 'redis', initScripts: [fresh] });
      expect((await execa('docker', ['inspect', '-f', '{{.Config.Image}}', plain.containerId])).stdout).not.toContain(PREFIX);
    } finally {
      delete process.env.SANDPIT_SNAPSHOTS;
    }
    expect(await snapshots()).toEqual(after);
  });

  test('a failing script names its file and line, and leaves no container and no snapshot', async () => {
    const before = await snapshots();
    const broken = file('broken.redis', `SET a 1\nNOSUCHCOMMAND x\nSET b 2\n# ${Date.now()}\n`);
    const error = await failure(start({ preset: 'redis', initScripts: [broken] }));
    expect(error.code).toBe('INIT_SCRIPT_FAILED');
    expect(error.message).toMatch(/broken\.redis failed at line 2 \(NOSUCHCOMMAND\)/);
    expect(await building()).toEqual([]);
    expect(await snapshots()).toEqual(before);
    const missing = await failure(start({ preset: 'redis', initScripts: [path.join(dir, 'absent.redis')] }));
    expect(missing.code).toBe('INVALID_OPTION');
  });

  test('an .rdb file first, then commands: loaded, applied, and captured', async () => {
    const rdb = path.join(dir, 'data.rdb');
    {
      await using source = await start({ preset: 'redis', initScripts: [`SET from-rdb yes\nSET stamp ${Date.now()}`], snapshot: false });
      await source.exec(['redis-cli', 'SAVE']);
      await execa('docker', ['cp', `${source.containerId}:/data/dump.rdb`, rdb]);
    }
    const commands = file('after-rdb.redis', `SET from-commands yes\nINCR runs\n`);
    const read = async (s: { exec(c: string[]): Promise<{ stdout: string }> }) =>
      (await s.exec(['redis-cli', 'MGET', 'from-rdb', 'from-commands', 'runs'])).stdout.trim().split('\n');
    {
      await using first = await start({ preset: 'redis', initScripts: [rdb, commands] });
      expect(await read(first)).toEqual(['yes', 'yes', '1']);
    }
    await using second = await start({ preset: 'redis', initScripts: [rdb, commands] });
    expect(await read(second)).toEqual(['yes', 'yes', '1']);
    await using plain = await start({ preset: 'redis', initScripts: [rdb, commands], snapshot: false });
    expect(await read(plain)).toEqual(['yes', 'yes', '1']);
    const misplaced = await failure(start({ preset: 'redis', initScripts: [commands, rdb] }));
    expect(misplaced.code).toBe('INVALID_OPTION');
    expect(misplaced.message).toMatch(/put the \.rdb file first/);
  });

  test('two processes starting at once take one snapshot', async () => {
    const before = await snapshots();
    const shared = file('shared.redis', `INCR runs\n# ${Date.now()}\n`);
    const env = { SANDPIT_SNAPSHOT_PREFIX: PREFIX, XDG_CACHE_HOME: dir };
    const results = await Promise.all(
      [1, 2].map(async () => JSON.parse((await execa('node', [fixture, 'redis', shared], { env })).stdout) as { said: string[] }),
    );
    const took = results.filter((r) => r.said.some((line) => line.startsWith('taking snapshot')));
    expect(took.length).toBe(1);
    expect((await snapshots()).length).toBe(before.length + 1);
  }, 180_000);
});

describe('mysql snapshots', () => {
  // Each run's own script, so the first start below takes the snapshot. It records where it ran.
  const seed = `CREATE TABLE runs (host VARCHAR(64)); INSERT INTO runs VALUES (@@hostname); -- ${Date.now()}`;
  const rows = async (url: string) => {
    const connection = await createConnection(url);
    try {
      const [result] = await connection.query('SELECT host, @@hostname AS me FROM runs');
      return result as { host: string; me: string }[];
    } finally {
      await connection.end();
    }
  };
  const refused = async (url: string) => createConnection(url).then(async (c) => (await c.end(), false), () => true);
  const imageOf = async (id: string) => (await execa('docker', ['inspect', '-f', '{{.Config.Image}}', id])).stdout;

  test('plain mysql: later starts come from one snapshot of the initialised server', async () => {
    await using first = await start({ preset: 'mysql' });
    await using second = await start({ preset: 'mysql' });
    expect(await imageOf(second.containerId)).toMatch(new RegExp(`^${PREFIX}/mysql:`));
    expect(await imageOf(first.containerId)).toBe(await imageOf(second.containerId));
    // Initialised once, before either started: both carry the data directory's identity from then.
    const uuid = async (url: string) => {
      const connection = await createConnection(url);
      const [[row]] = (await connection.query('SELECT @@server_uuid AS id')) as unknown as [[{ id: string }]];
      await connection.end();
      return row.id;
    };
    expect(await uuid(first.url)).toBe(await uuid(second.url));
    // From the snapshot the server runs itself, as mysql: the image's entrypoint (17 runs of
    // `mysqld --verbose --help` on the official image) has nothing left to do.
    const logs = await execa('docker', ['logs', second.containerId]);
    expect(`${logs.stdout}${logs.stderr}`).not.toContain('[Entrypoint]');
    expect(await second.exec(['stat', '-c', '%U', '/proc/1'])).toMatchObject({ exitCode: 0, stdout: 'mysql\n' });
    // The container's client speaks utf8mb4, not the latin1 its locale would give (presets/mysql-client.ts).
    expect((await second.exec(['sh', '-c', 'mysql -uroot -p"$MYSQL_ROOT_PASSWORD" -N -e "SELECT @@character_set_client" 2>/dev/null'])).stdout).toBe('utf8mb4\n');
  }, 240_000);

  test('plain mysql under a database name of its own each start: one snapshot for all, the database made under that name', async () => {
    // A database named per test file (test_<random>) took a cold start and left a snapshot image each time.
    const names = [`a_${Date.now()}`, `b_${Date.now()}`];
    const before = await snapshots();
    await using first = await start({ preset: 'mysql', database: names[0] });
    const afterFirst = await snapshots();
    await using second = await start({ preset: 'mysql', database: names[1] });
    expect(await snapshots()).toEqual(afterFirst);
    expect(afterFirst.filter((tag) => !before.includes(tag)).length).toBeLessThanOrEqual(1); // none when the name-free one exists
    expect(await imageOf(first.containerId)).toBe(await imageOf(second.containerId));
    for (const [db, name] of [[first, names[0]], [second, names[1]]] as const) {
      // As the image's entrypoint makes MYSQL_DATABASE: there, the user's to fill; the snapshot's own is not.
      const connection = await createConnection(db.url);
      try {
        await connection.query('CREATE TABLE t (id INT)');
        const [databases] = (await connection.query('SHOW DATABASES')) as unknown as [{ Database: string }[]];
        expect(databases.map((d) => d.Database).filter((d) => !['information_schema', 'performance_schema'].includes(d))).toEqual([name]);
        const [[current]] = (await connection.query('SELECT DATABASE() AS db')) as unknown as [[{ db: string }]];
        expect(current.db).toBe(name);
      } finally {
        await connection.end();
      }
    }
  }, 240_000);

  test('plain mysql under a name of its own, restarted: a database test made since is kept', async () => {
    // The init file runs at every boot of the container: it dropped the snapshot's empty `test` then, and at a
    // `docker restart` a database of that name the user had filled since.
    await using db = await start({ preset: 'mysql', database: `r_${Date.now()}` });
    const sql = (query: string) => execa('docker', ['exec', '-e', `MYSQL_PWD=${db.rootPassword}`, db.containerId, 'mysql', '-uroot', '-N', '-e', query], { reject: false });
    expect((await sql('CREATE DATABASE test; CREATE TABLE test.kept (id INT); CREATE TABLE ' + db.database + '.mine (id INT)')).exitCode).toBe(0);
    await execa('docker', ['restart', '-t', '30', db.containerId]);
    const deadline = Date.now() + 60_000;
    while ((await sql('SELECT 1')).exitCode !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await sql(`SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_NAME IN ('kept', 'mine') ORDER BY 1`)).stdout.split('\n')).toEqual([`${db.database}.mine`, 'test.kept']);
  }, 240_000);

  test('seeded: the second start comes from the snapshot and runs no script; each start has its own passwords', async () => {
    const before = await snapshots();
    // Taken in a group, as a config's first run does: the others start once the builder's container runs
    // (group.ts), not after the snapshot is saved and the service's own container made.
    const said: string[] = [];
    const onProgress = ({ stage, message }: { stage: string; message: string }) => said.push(`${stage}: ${message}`);
    const group = await startAll([{ preset: 'mysql', initScripts: [seed], onProgress }, { preset: 'redis' }]);
    await using first = group[0]! as Awaited<ReturnType<typeof start<{ preset: 'mysql' }>>>;
    await using cache = group[1]!;
    const created = async (id: string) => Date.parse((await execa('docker', ['inspect', '-f', '{{.Created}}', id])).stdout);
    expect(await created(cache.containerId)).toBeLessThan(await created(first.containerId));
    const [taken] = await rows(first.url);
    expect((await snapshots()).length).toBe(before.length + 1);
    await using second = await start({ preset: 'mysql', initScripts: [seed] });
    // One row, written where the snapshot was taken: the script ran there only.
    expect(await rows(second.url)).toEqual([{ host: taken!.host, me: expect.not.stringMatching(taken!.host) }]);
    expect(taken!.host).not.toBe(taken!.me);

    expect(second.password).not.toBe(first.password);
    const at = (s: { port: number }, user: string, password: string) => `mysql://${user}:${encodeURIComponent(password)}@127.0.0.1:${s.port}/test`;
    expect(await refused(at(second, 'test', first.password))).toBe(true);
    expect(await refused(at(second, 'test', second.password))).toBe(false);
    // The container the snapshot was taken from had throwaway passwords; they open nothing.
    const env = (await execa('docker', ['inspect', '-f', '{{json .Config.Env}}', await imageOf(second.containerId)])).stdout;
    const throwaway = (JSON.parse(env) as string[]).find((e) => e.startsWith('MYSQL_ROOT_PASSWORD='))!.split('=')[1]!;
    expect(await refused(at(second, 'root', throwaway))).toBe(true);
    expect(await refused(at(second, 'root', second.rootPassword))).toBe(false);
    expect(await refused(at(second, 'root', first.rootPassword))).toBe(true);

    // The builder ended once initialised (SnapshotRecipe.endAfterInit): its server was never started to
    // serve, nor stopped. The snapshot has the base image's PATH, without the stand-in's folder.
    expect(said).toContain('build: saving the snapshot image');
    expect(said).not.toContain('build: stopping the server cleanly');
    const pathOf = async (image: string) => (JSON.parse((await execa('docker', ['inspect', '-f', '{{json .Config.Env}}', image])).stdout) as string[]).find((e) => e.startsWith('PATH='));
    const base = (await execa('docker', ['inspect', '-f', '{{index .Config.Labels "sandpit.snapshot.base"}}', await imageOf(second.containerId)])).stdout;
    expect(await pathOf(await imageOf(second.containerId))).toBe(await pathOf(base));
    // Built with a 100 MB redo log, kept with a small one: each start from it copies up less.
    const redo = await execa('docker', ['run', '--rm', '--entrypoint', 'du', await imageOf(second.containerId), '-sk', '/var/lib/sandpit-data/#innodb_redo']);
    expect(Number.parseInt(redo.stdout, 10)).toBeLessThanOrEqual(12 * 1024);
  }, 240_000);

  test("an image whose entrypoint does not run the stand-in: the builder serves, is stopped cleanly, and the snapshot works", async () => {
    // As MariaDB's images (mariadbd) or an entrypoint that sets its own PATH: the server starts to serve.
    const tag = `${PREFIX}-fixed-path:1`;
    const dockerfile = `FROM ${await presetImage('mysql')}\nRUN printf '#!/bin/sh\\nPATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin exec docker-entrypoint.sh "$@"\\n' > /usr/local/bin/fixed-path.sh && chmod 755 /usr/local/bin/fixed-path.sh\nENTRYPOINT ["fixed-path.sh"]\nCMD ["mysqld"]\n`;
    await execa('docker', ['build', '-q', '-t', tag, '-'], { input: dockerfile });
    const before = await snapshots();
    try {
      const said: string[] = [];
      const onProgress = ({ stage, message }: { stage: string; message: string }) => said.push(`${stage}: ${message}`);
      await using db = await start({ preset: 'mysql', image: tag, initScripts: [`${seed} fixed-path`], onProgress });
      expect(said).toContain('build: stopping the server cleanly');
      expect(await imageOf(db.containerId)).toMatch(new RegExp(`^${PREFIX}/mysql:`));
      expect(await rows(db.url)).toHaveLength(1);
    } finally {
      // Its snapshot first: a tagged child keeps the image it was committed from.
      const made = (await snapshots()).filter((t) => !before.includes(t));
      await execa('docker', ['rmi', ...made, tag], { reject: false });
    }
  }, 240_000);

  test("a dump that fills another database than the url's (mysqldump --databases) is said at each start: taken, from the snapshot, without one", async () => {
    const dump = file('shop.sql', `CREATE DATABASE /*!32312 IF NOT EXISTS*/ \`shop\`;\nUSE \`shop\`;\nCREATE TABLE orders (id INT);\n-- ${Date.now()}\n`);
    const notice = "the init scripts made tables in shop and none in test, the url's database: set the database option to shop (a mysqldump --databases dump creates its own)";
    const notices = async (snapshot: boolean) => {
      const said: string[] = [];
      await using db = await start({ preset: 'mysql', initScripts: [dump], snapshot, onProgress: ({ message, notice }) => notice && said.push(message) });
      expect(db.url).toMatch(/\/test$/);
      return said.filter((line) => line.startsWith('the init scripts made'));
    };
    expect(await notices(true)).toEqual([notice]); // takes the snapshot
    expect(await notices(true)).toEqual([notice]); // from it: no script ran
    expect(await notices(false)).toEqual([notice]);
  }, 240_000);

  test('snapshot: false runs the scripts on every start', async () => {
    const before = await snapshots();
    const script = `CREATE TABLE runs (host VARCHAR(64)); INSERT INTO runs VALUES (@@hostname); -- ${Date.now()} fresh`;
    await using off = await start({ preset: 'mysql', initScripts: [script], snapshot: false });
    const [row] = await rows(off.url);
    expect(row!.host).toBe(row!.me);
    expect(await snapshots()).toEqual(before);
  }, 240_000);

  test("snapshot: false and no scripts: the container's client still speaks utf8mb4 (its locale gives latin1)", async () => {
    await using bare = await start({ preset: 'mysql', snapshot: false });
    const { stdout } = await bare.exec(['sh', '-c', 'mysql -uroot -p"$MYSQL_ROOT_PASSWORD" -N -e "SELECT @@character_set_client" 2>/dev/null']);
    expect(stdout).toBe('utf8mb4\n');
  }, 240_000);

  test("a sourced script's `exit 0` ends the entrypoint half-way: a failed start, not a snapshot of half the data", async () => {
    // The entrypoint ends half-way, with 0; only the stand-in's own exit code (83) makes the build done.
    const before = await snapshots();
    const early = file('early.sh', `echo leaving early # ${Date.now()}\nexit 0\n`);
    const error = await failure(start({ preset: 'mysql', initScripts: [`${seed} early`, early] }));
    expect(error.code).toBe('INIT_SCRIPT_FAILED');
    expect(error.message.split('\n')[0]).toBe(`mysql: init script ${early} failed: leaving early`);
    expect(await building()).toEqual([]);
    expect(await snapshots()).toEqual(before);
  }, 240_000);

  test('a broken script leaves no container and no snapshot', async () => {
    const before = await snapshots();
    const error = await failure(start({ preset: 'mysql', initScripts: [`CREATE TABLE ok (x INT); SELEC broken; -- ${Date.now()}`] }));
    expect(error.code).toBe('INIT_SCRIPT_FAILED');
    expect(await building()).toEqual([]);
    expect(await snapshots()).toEqual(before);
  }, 240_000);
});

describe('images ls and prune', () => {
  const cli = (args: string[]) =>
    execa('node', ['--', main, ...args], { reject: false, env: { SANDPIT_SNAPSHOT_PREFIX: PREFIX, XDG_CACHE_HOME: dir } });

  test('ls lists the snapshots with what they were made from; prune keeps recent ones, --all removes them', async () => {
    // Whose each is (a test start's service is named after its preset), in the folder it was taken from.
    const here = shortFolder(process.cwd()).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const tags = await snapshots();
    expect(tags.length).toBeGreaterThan(0);
    const ls = await cli(['images', 'ls']);
    expect(ls.exitCode).toBe(0);
    for (const tag of tags.filter((t) => t.includes('/redis:'))) expect(ls.stdout).toMatch(new RegExp(`^${tag.replace(/[/.]/g, '\\$&')}\\s+redis\\s+\\d+ kB\\s+\\d+ min ago\\s+\\d+ min ago\\s+\\S+ \\+ .*\\.redis( \\(a note only: these scripts run at each start\\))?, for redis in ${here}$`, 'm'));
    const doctor = await cli(['doctor']);
    expect(doctor.stdout).toMatch(new RegExp(`^✓ ${tags.length} snapshots? of initialised data: \\d+(\\.\\d)? [kM]B$`, 'm'));
    expect((await cli(['images', 'prune'])).stdout).toBe('removed 0 snapshots (0 kB)');
    expect(await snapshots()).toEqual(tags);
    const bad = await cli(['images', 'prune', '--days', 'soon']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('(INVALID_OPTION)');
    const all = await cli(['images', 'prune', '--all']);
    expect(all.stdout).toMatch(new RegExp(`^removed ${tags.length} snapshots? `));
    expect(await snapshots()).toEqual([]);
  });
});
