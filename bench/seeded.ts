import { MySqlContainer } from '@testcontainers/mysql';
import { execa } from 'execa';
import getPort from 'get-port';
import { createWriteStream, rmSync } from 'node:fs';
import { appendFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { createConnection } from 'mysql2/promise';
import { start } from '../lib/index.js';
import type { Row } from './row.js';
import { measure, ratio, type Sample } from './stats.js';
import { pollUntil } from './uses.js';
import { benchFolder } from './temp.js';

/**
 * Seeded and plain mysql through snapshots: first start (the snapshot is taken), later starts
 * (from it), the same dump through testcontainers' MySqlContainer, and a raw `docker run` of the
 * snapshot image (the floor). Snapshots go under their own prefix and are removed at the end.
 */
export async function seededCases(
  image: string,
  runs: number,
  log: (line: string) => void,
  which: { seeded: boolean; plain: boolean },
): Promise<Row[]> {
  process.env.SANDPIT_SNAPSHOT_PREFIX = 'sandpit-bench';
  // Last-use marks of the bench's own snapshots go with them, not into the user's cache.
  process.env.XDG_CACHE_HOME = benchFolder('cache-');
  const few = Math.min(runs, 3);
  const rows: Row[] = [];
  try {
    const plain = await plainRows(runs, few, log);
    rows.push(...plain.rows); // measured either way: the seeded rows' baseline
    if (which.seeded) rows.push(...(await seededRows(image, runs, few, log, plain.later)));
    return rows;
  } finally {
    const { stdout } = await execa('docker', ['images', '--filter', 'reference=sandpit-bench/*', '--format', '{{.Repository}}:{{.Tag}}']);
    const tags = stdout.split('\n').filter(Boolean);
    if (tags.length > 0) await execa('docker', ['rmi', ...tags], { reject: false });
  }
}

async function plainRows(runs: number, few: number, log: (line: string) => void): Promise<{ rows: Row[]; later: Sample }> {
  log(`plain mysql: first start (cold initialisation, takes the snapshot), ${few} runs`);
  const plainFirst = await measure(few, () => sandpitStart({ database: `b${Math.random().toString(36).slice(2, 10)}` }), 1000);
  await sandpitStart({});
  log(`plain mysql: later starts, ${runs} runs`);
  const plainLater = await measure(runs, () => sandpitStart({}));
  log(`raw docker run of the plain snapshot image, ${runs} runs`);
  const floor = await measure(runs, () => rawRun(plainSnapshot!));
  return {
    later: plainLater,
    rows: [
      { case: 'plain mysql: first start (cold init)', sandpit: plainFirst, ratios: { 'first÷later': ratio(plainFirst.median, plainLater.median) } },
      {
        case: 'plain mysql: later starts (vs docker run of the snapshot)',
        sandpit: plainLater,
        raw: floor,
        ratios: { 'sandpit÷raw': ratio(plainLater.median, floor.median) },
        target: '≤ 1.2× raw',
      },
    ],
  };
}

async function seededRows(image: string, runs: number, few: number, log: (line: string) => void, plainLater: Sample): Promise<Row[]> {
  const dir = benchFolder('seed-');
  const dump = await writeDump(path.join(dir, 'seed.sql'), 40e6);
  try {
    // Each first start gets bytes of its own (a trailing comment), so it takes a new snapshot.
    const unique = async () => {
      const copy = path.join(dir, `seed-${Math.random().toString(36).slice(2)}.sql`);
      await copyFile(dump, copy);
      await appendFile(copy, `-- ${copy}\n`);
      return copy;
    };
    log(`mysql + 40 MB seed: first start (takes the snapshot), ${few} runs`);
    const seededFirst = await measure(few, async () => sandpitStart({ initScripts: [await unique()] }), 1000);
    log('mysql + 40 MB seed: the same start without snapshots');
    const seededPlain = await measure(few, async () => sandpitStart({ initScripts: [dump], snapshot: false }), 1000);
    await sandpitStart({ initScripts: [dump] }); // takes the snapshot the later starts use
    log(`mysql + 40 MB seed: later starts, ${runs} runs`);
    const seededLater = await measure(runs, () => sandpitStart({ initScripts: [dump] }));
    log(`testcontainers MySqlContainer + the same dump in /docker-entrypoint-initdb.d, ${few} runs`);
    const tc = await measure(few, () => moduleWithDump(image, dump), 1000);

    return [
      {
        case: 'mysql + 40 MB seed: first start',
        sandpit: seededFirst,
        raw: seededPlain,
        testcontainers: tc,
        ratios: { 'sandpit÷no snapshot': ratio(seededFirst.median, seededPlain.median), 'sandpit÷tc': ratio(seededFirst.median, tc.median) },
        target: '≤ 1.5× no snapshot',
      },
      {
        case: 'mysql + 40 MB seed: later starts',
        sandpit: seededLater,
        raw: plainLater,
        testcontainers: tc,
        ratios: { 'sandpit÷plain later': ratio(seededLater.median, plainLater.median), 'sandpit÷tc': ratio(seededLater.median, tc.median) },
        target: '≤ 1.3× plain later, ≤ 0.1× tc',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let plainSnapshot: string | undefined;

/** start() to a first query as the app user; the ms it took. */
async function sandpitStart(options: { initScripts?: string[]; database?: string; snapshot?: boolean }): Promise<number> {
  const t0 = performance.now();
  const db = await start({ preset: 'mysql', user: 'app', startupTimeout: 600_000, ...options });
  try {
    await query({ host: db.host, port: db.port, user: 'app', password: db.password, database: db.database });
    const elapsed = performance.now() - t0;
    if (!options.initScripts && !options.database) {
      plainSnapshot = (await execa('docker', ['inspect', '-f', '{{.Config.Image}}', db.containerId])).stdout;
    }
    return elapsed;
  } finally {
    await db.stop();
  }
}

async function moduleWithDump(image: string, dump: string): Promise<number> {
  const t0 = performance.now();
  const container = await new MySqlContainer(image)
    .withDatabase('test')
    .withUsername('app')
    .withUserPassword('app-pw')
    .withCopyFilesToContainer([{ source: dump, target: '/docker-entrypoint-initdb.d/seed.sql' }])
    .withStartupTimeout(600_000)
    .start();
  try {
    await query({ host: '127.0.0.1', port: container.getPort(), user: 'app', password: 'app-pw', database: 'test' });
    return performance.now() - t0;
  } finally {
    await container.stop({ timeout: 0 });
  }
}

/** `docker run` of the snapshot image with its own command, polled until the app user answers. */
async function rawRun(tag: string): Promise<number> {
  const env = JSON.parse((await execa('docker', ['inspect', '-f', '{{json .Config.Env}}', tag])).stdout) as string[];
  const password = env.find((e) => e.startsWith('MYSQL_PASSWORD='))!.slice('MYSQL_PASSWORD='.length);
  const port = await getPort();
  const t0 = performance.now();
  const id = (await execa('docker', ['run', '-d', '--rm', '-p', `127.0.0.1:${port}:3306`, tag])).stdout.trim();
  try {
    await pollUntil(() => query({ host: '127.0.0.1', port, user: 'app', password, database: 'test' }));
    return performance.now() - t0;
  } finally {
    await execa('docker', ['rm', '-f', '-v', id], { reject: false });
  }
}

async function query(options: { host: string; port: number; user: string; password: string; database: string }): Promise<void> {
  // The raw floor's server has a cold password cache (see firstUse.mysql).
  const connection = await createConnection({ ...options, connectTimeout: 1000, allowPublicKeyRetrieval: true });
  try {
    const [[row]] = (await connection.query('SELECT COUNT(*) AS n FROM information_schema.tables')) as unknown as [[{ n: number }]];
    if (!(row.n > 0)) throw new Error('no tables');
  } finally {
    connection.destroy();
  }
}

/** A mysqldump-shaped file of about `bytes`: a table, then multi-row INSERTs of ~1 MB each. */
async function writeDump(file: string, bytes: number): Promise<string> {
  const out = createWriteStream(file);
  out.write('/*!40101 SET NAMES utf8mb4 */;\nDROP TABLE IF EXISTS `items`;\nCREATE TABLE `items` (\n  `id` int NOT NULL,\n  `name` varchar(64) NOT NULL,\n  `body` text,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\nLOCK TABLES `items` WRITE;\n');
  let written = 0;
  let id = 0;
  while (written < bytes) {
    const values: string[] = [];
    for (let i = 0; i < 2500; i++, id++) values.push(`(${id},'item ${id}','${'lorem ipsum dolor sit amet; -- '.repeat(12)}${id}')`);
    const statement = `INSERT INTO \`items\` VALUES ${values.join(',')};\n`;
    written += statement.length;
    if (!out.write(statement)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end('UNLOCK TABLES;\n');
  await finished(out);
  return file;
}



