import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { buildOffline, offlineTag } from '../../lib/images/offline.js';
import type { SandpitError } from '../../lib/errors.js';
import { resolveImage, type ImageProgress } from '../../lib/images/resolve.js';
import { presets } from '../../lib/presets/index.js';
import { eventually } from '../helpers/engine.js';
import { failure } from '../helpers/failure.js';
import { tempFolder } from '../helpers/temp.js';

// The offline image definitions live in each preset.
const offlineDrafts = Object.fromEntries(Object.entries(presets).map(([name, p]) => [name, p.offline])) as Record<keyof typeof presets, (typeof presets)['redis']['offline']>;

// The images every other suite starts from (sandpit-offline/*): `npm test` builds them before Jest runs, so on a
// fresh clone that step is the build from Debian packages, and these tests check what it made (alone, on a
// machine without them, the first test builds them). A prefix of the tests' own built three Debian bases and the
// four images a second time: 352 s of a 1213 s CI run, on one of its two workers.
const names = Object.keys(offlineDrafts) as (keyof typeof offlineDrafts)[];
const tagOf = (name: keyof typeof offlineDrafts) => offlineTag(name, offlineDrafts[name]);
const ABSENT = 'sandpit-itest/absent:1'; // never built, never pullable
const created: string[] = [];

afterAll(async () => {
  if (created.length > 0) await execa('docker', ['rmi', ...created], { reject: false });
});

describe('offline images', () => {
  test('all four are built from Debian packages (here, or by npm test\'s build step before), labelled', async () => {
    for (const name of names) {
      expect(await buildOffline(name, offlineDrafts[name])).toBe(tagOf(name));
      const { stdout } = await execa('docker', ['image', 'inspect', '-f', '{{index .Config.Labels "sandpit.image"}}', tagOf(name)]);
      expect(stdout).toBe(name);
    }
  }, 900_000);

  test('building them again is a no-op', async () => {
    const progress: string[] = [];
    const started = Date.now();
    await Promise.all(names.map((name) => buildOffline(name, offlineDrafts[name], (line) => progress.push(line))));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(progress).toEqual([]);
  });

  // Outside the test: a test that times out never reaches its finally, and these are plain docker runs.
  const ids: string[] = [];
  afterAll(() => execa('docker', ['rm', '-f', ...ids.splice(0)], { reject: false }));

  test("each keeps its official image's contract", async () => {
    const run = async (args: string[]) => {
      const { stdout } = await execa('docker', ['run', '-d', ...args], { timeout: 30_000 });
      ids.push(stdout);
      return stdout;
    };
    const port = async (id: string, inner: number) =>
      Number((await execa('docker', ['port', id, `${inner}/tcp`])).stdout.split('\n')[0]?.split(':').pop());
    const site = mkdtempSync(path.join(os.tmpdir(), 'sandpit-site-'));
    chmodSync(site, 0o755); // apache reads it as www-data, like the official image's daemon user
    writeFileSync(path.join(site, 'page.txt'), 'from the folder');
    try {
      const redis = await run([tagOf('redis'), '--requirepass', 'pw']);
      const ping = () => execa('docker', ['exec', redis, 'redis-cli', '-a', 'pw', '--no-auth-warning', 'PING'], { reject: false, timeout: 5000 });
      expect(await eventually(async () => (await ping()).stdout === 'PONG', 10_000)).toBe(true);

      const httpd = await run(['-p', '127.0.0.1::80', '-v', `${site}:/usr/local/apache2/htdocs:ro`, tagOf('httpd')]);
      const page = `http://127.0.0.1:${await port(httpd, 80)}/page.txt`;
      // Bounded: a connection the proxy accepts but nobody answers would otherwise hang fetch for good.
      const served = () => fetch(page, { signal: AbortSignal.timeout(2000) }).then(async (r) => (await r.text()) === 'from the folder', () => false);
      expect(await eventually(served, 10_000)).toBe(true);

      // CMD is bash, as in the official image: read from the image, not from a `docker run -i` fed by a pipe
      // (one CI run hung here for the whole test timeout; every step now has its own timeout to name it).
      const cmd = await execa('docker', ['image', 'inspect', '-f', '{{json .Config.Cmd}}', tagOf('ubuntu')]);
      expect(JSON.parse(cmd.stdout)).toEqual(['bash']);
      const shell = await execa('docker', ['run', '--rm', tagOf('ubuntu'), 'bash', '--version'], { timeout: 30_000 });
      expect(shell.stdout).toMatch(/^GNU bash/);
    } finally {
      await execa('docker', ['rm', '-f', ...ids.splice(0)], { reject: false });
      rmSync(site, { recursive: true, force: true });
    }
  }, 60_000);
});

// The offline mysql starts like the official mysql:8.4: what a cold start does, and the contract the
// seeds (lib/seeds) and snapshots build on. Two containers initialise at once: each costs a cold start.
describe('offline mysql: the official image\'s first start', () => {
  const image = () => tagOf('mysql');
  const ids: string[] = [];
  const scripts = tempFolder('initdb'); // removed after the file, also when a filter runs none of these tests
  afterAll(async () => {
    await execa('docker', ['rm', '-fv', ...ids.splice(0)], { reject: false });
  });
  const docker = (...args: string[]) => execa('docker', args, { timeout: 30_000 });
  /** Like `docker run`, with the scripts copied into initdb.d before the start, as sandpit does (no bind mount). */
  const start = async (args: string[], command: string[] = [], from = image()) => {
    const id = (await docker('create', ...args, from, ...command)).stdout;
    ids.push(id);
    await docker('cp', `${scripts}/.`, `${id}:/docker-entrypoint-initdb.d/`);
    await docker('start', id);
    return id;
  };
  const sql = (id: string, query: string, user = 'app', password = "it's\\secret") =>
    execa('docker', ['exec', id, 'mysql', '-h127.0.0.1', `-u${user}`, `--password=${password}`, '-N', 'app', '-e', query], { reject: false, timeout: 10_000 });
  const logs = async (id: string) => (await execa('docker', ['logs', id], { reject: false, all: true })).all ?? '';
  const env = ['MYSQL_ROOT_PASSWORD=root', 'MYSQL_DATABASE=app', 'MYSQL_USER=app', "MYSQL_PASSWORD=it's\\secret"].flatMap((e) => ['-e', e]);
  let standard: string;
  let moved: string;

  beforeAll(async () => {
    // One script of each kind the official entrypoint accepts; each records that it ran.
    const record = (name: string) => `INSERT INTO seen VALUES ('${name}');\n`;
    writeFileSync(path.join(scripts, '001-schema.sql'), 'CREATE TABLE seen (name VARCHAR(40));\n' + record('sql'));
    writeFileSync(path.join(scripts, '002-data.sql.gz'), gzipSync(record('gz')));
    writeFileSync(path.join(scripts, '003-shell.sh'), `"\${mysql[@]}" <<< "${record('sh').trim()}"\n`); // not executable: sourced
    writeFileSync(path.join(scripts, '004-xz.sql.xz'), (await execa('xz', ['-c'], { input: record('xz'), encoding: 'buffer' })).stdout);
    writeFileSync(path.join(scripts, '005-zst.sql.zst'), (await execa('zstd', ['-c'], { input: record('zst'), encoding: 'buffer' })).stdout);
    writeFileSync(path.join(scripts, 'README'), 'not a script: ignored');
    [standard, moved] = await Promise.all([start(env), start(env, ['mysqld', '--datadir=/var/lib/sandpit-data'])]);
  }, 60_000);

  test('declares /var/lib/mysql a VOLUME and ships no data directory: it is made on first start', async () => {
    const volumes = await docker('image', 'inspect', '-f', '{{json .Config.Volumes}}', image());
    expect(Object.keys(JSON.parse(volumes.stdout))).toEqual(['/var/lib/mysql']);
    const listed = await docker('run', '--rm', '--entrypoint', 'ls', image(), '-A', '/var/lib/mysql');
    expect(listed.stdout).toBe('');
  });

  test('the app user gets in over TCP only after every initdb.d script ran, in name order', async () => {
    // Asked from the first moment TCP answers: no connection may see a half-initialised server.
    let first: string | undefined;
    const answered = async () => {
      const result = await sql(standard, 'SELECT GROUP_CONCAT(name ORDER BY name) FROM seen');
      if (result.exitCode === 0) first = result.stdout;
      return result.exitCode === 0;
    };
    expect(await eventually(answered, 90_000, 100)).toBe(true);
    expect(first).toBe('gz,sh,sql,xz,zst');
    const mounts = JSON.parse((await docker('inspect', '-f', '{{json .Mounts}}', standard)).stdout) as { Type: string; Destination: string }[];
    expect(mounts).toEqual([expect.objectContaining({ Type: 'volume', Destination: '/var/lib/mysql' })]);
    expect(await logs(standard)).toMatch(/\[Entrypoint\]: \S+: ignoring \/docker-entrypoint-initdb\.d\/README/);
  }, 120_000);

  test("the data directory is the server's own: --datadir puts it outside the VOLUME, and a database there skips initialisation", async () => {
    expect(await eventually(async () => (await sql(moved, 'SELECT COUNT(*) FROM seen')).stdout === '5', 90_000, 100)).toBe(true);
    expect((await docker('exec', moved, 'ls', '-A', '/var/lib/mysql')).stdout).toBe('');
    expect((await docker('exec', moved, 'test', '-d', '/var/lib/sandpit-data/mysql')).exitCode).toBe(0);
    // A commit keeps what is outside the VOLUME: its next start finds the database and runs nothing.
    await docker('stop', moved);
    const committed = `sandpit-itest/mysql-committed:${process.pid}`;
    await docker('commit', moved, committed);
    created.push(committed);
    const again = await start([], [], committed); // the committed command keeps --datadir
    expect(await eventually(async () => (await sql(again, 'SELECT COUNT(*) FROM seen')).stdout === '5', 60_000, 100)).toBe(true);
    const said = await logs(again);
    expect(said).toContain('Database found in /var/lib/sandpit-data/');
    expect(said).not.toContain('running /docker-entrypoint-initdb.d');
  }, 180_000);

  test('without a root password option it refuses to initialise, naming the variables', async () => {
    const refused = await execa('docker', ['run', '--rm', image()], { reject: false, timeout: 30_000 });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('MYSQL_ROOT_PASSWORD');
    expect(refused.stderr).toContain('MYSQL_RANDOM_ROOT_PASSWORD');
  });
});

test("a failing step: IMAGE_UNAVAILABLE names the step once, not the engine's repeat of its whole command", async () => {
  const long = `echo ${'x'.repeat(400)} && exit 3`;
  const error = await buildOffline(`failing${process.pid}`, { dockerfile: `FROM {{base}}\nRUN ${long}\n` }).then(
    () => undefined,
    (e: SandpitError) => e,
  );
  expect(error?.code).toBe('IMAGE_UNAVAILABLE');
  expect(error?.message).toMatch(/^Building the offline failing\d+ image failed at "Step 2\/\d : RUN echo x+…": its command returned a non-zero code: 3\. Is the Debian mirror reachable from containers\?$/);
}, 120_000);

test('two processes building the same image at once build it once; the other waits and says so', async () => {
  const name = `twice${process.pid}`;
  const marker = `${Date.now()}`;
  const fixture = fileURLToPath(new URL('../fixtures/build.mjs', import.meta.url));
  const run = () => execa('node', [fixture, name, marker]);
  const images = async () => (await execa('docker', ['images', '-q', '--filter', `label=sandpit.test=${marker}`])).stdout.split('\n').filter(Boolean);
  try {
    const results = (await Promise.all([run(), run()])).map((r) => JSON.parse(r.stdout) as { tag: string; said: string[] });
    const tag = results[0]!.tag;
    expect(results[1]!.tag).toBe(tag);
    const built = results.filter((r) => r.said.some((line) => line.startsWith(`building ${tag}`)));
    const waited = results.filter((r) => r.said.includes(`waiting for another sandpit process building ${tag}`));
    expect([built.length, waited.length]).toEqual([1, 1]);
    expect(await images()).toHaveLength(1); // a racing second build would have left its image untagged
  } finally {
    await execa('docker', ['rmi', '-f', ...(await images())], { reject: false });
  }
}, 120_000);

describe('resolveImage', () => {
  const spec = { name: 'ubuntu', image: ABSENT, offline: offlineDrafts.ubuntu };

  test('uses the offline build when the official image is absent, without pulling', async () => {
    const events: ImageProgress[] = [];
    expect(await resolveImage(spec, undefined, (e) => events.push(e))).toEqual({ image: tagOf('ubuntu'), source: 'offline', info: expect.objectContaining({ Id: expect.stringMatching(/^sha256:/) }) }); // the inspect, passed on (snapshots use it)
    expect(events).toEqual([]);
  });

  test('builds the offline image when nothing can be pulled, and says so in one line', async () => {
    const offline = { dockerfile: 'FROM {{base}}\nLABEL sandpit.test=resolve\n' };
    created.push(offlineTag('probe', offline));
    const notices: string[] = [];
    const resolved = await resolveImage({ name: 'probe', image: ABSENT, offline }, undefined, (e) => e.notice && notices.push(e.message));
    expect(resolved).toEqual({ image: offlineTag('probe', offline), source: 'offline-built' });
    expect(notices).toEqual([expect.stringMatching(new RegExp(`^${ABSENT} is not available \\(.+\\); using ${resolved.image} built from Debian packages$`))]);
  }, 60_000);

  test('uses an override that is here', async () => {
    const override = 'sandpit-itest/override:mine';
    await execa('docker', ['tag', tagOf('ubuntu'), override]);
    created.push(override);
    expect(await resolveImage(spec, override)).toEqual({ image: override, source: 'local', info: expect.objectContaining({ Id: expect.stringMatching(/^sha256:/) }) });
  });

  test("the preset's own image given as an override falls back as the default does (--image redis:8.0 where it cannot be pulled)", async () => {
    expect(await resolveImage(spec, spec.image)).toEqual({ image: tagOf('ubuntu'), source: 'offline', info: expect.objectContaining({ Id: expect.stringMatching(/^sha256:/) }) });
  });

  test('an override neither here nor pullable is IMAGE_UNAVAILABLE, naming it', async () => {
    const error = await failure(resolveImage(spec, 'sandpit-itest/no-such-image:1'));
    expect(error.code).toBe('IMAGE_UNAVAILABLE');
    expect(error.message).toContain('sandpit-itest/no-such-image:1');
  });

  test('without debootstrap the base cannot be built: IMAGE_UNAVAILABLE says how to fix it', async () => {
    const saved = { prefix: process.env.SANDPIT_IMAGE_PREFIX, path: process.env.PATH };
    process.env.SANDPIT_IMAGE_PREFIX = `sandpit-itest-${process.pid}`; // no base there
    process.env.PATH = (saved.path ?? '').split(':').filter((dir) => !existsSync(path.join(dir, 'debootstrap'))).join(':');
    try {
      const error = await failure(resolveImage(spec, undefined));
      expect(error.code).toBe('IMAGE_UNAVAILABLE');
      expect(error.message).toMatch(/debootstrap is not installed; install it \(apt-get install debootstrap\)/);
    } finally {
      // Assigned undefined, process.env holds the string "undefined": a prefix every later build would use.
      if (saved.prefix === undefined) delete process.env.SANDPIT_IMAGE_PREFIX;
      else process.env.SANDPIT_IMAGE_PREFIX = saved.prefix;
      process.env.PATH = saved.path;
    }
  });
});
