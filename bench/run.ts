// `npm run bench [-- --runs N] [-- --json]`: sandpit vs raw docker vs testcontainers, side by side in one run.
import { execa } from 'execa';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { presets } from '../lib/presets/index.js';
import { resolveImage } from '../lib/images/resolve.js';
import { startAll } from '../lib/service/group.js';
import { alternate, interleave, measure, ratio, summarise, type Sample } from './stats.js';
import { cliNames, step } from './deadline.js';
import { firstUse } from './uses.js';
import type { Row } from './row.js';
import { seededCases } from './seeded.js';
import { remoteCases } from './remote.js';
import { execCase, installHere, removedFor, vitestCase } from './runners.js';
import { isolationCases, reuseCase } from './isolation.js';
import { mysqlModule, raw, rawFour, sandpit, testcontainers, type Preset, type Setup } from './starters.js';
import { benchFolder } from './temp.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
const args = process.argv.slice(2);
const json = args.includes('--json');
const runs = Number(args[args.indexOf('--runs') + 1]) || 10;
/** `--only seed` (or `--only start,jest`): just the sections whose name contains one of these (start, four, cli, jest, exec, vitest, rss, plain, seed, remote, isolation, reuse). */
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] ?? '' : '';
const section = (name: string) => only === '' || only.split(',').some((part) => name.includes(part));
const root = fileURLToPath(new URL('../..', import.meta.url)); // dist/bench → package root
const cli = path.join(root, 'dist/cli/main.js');
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

const rows: Row[] = [];
/** SANDPIT_BENCH_PRESETS=redis,httpd: the start rows for just these presets. */
const PRESETS = (process.env.SANDPIT_BENCH_PRESETS?.split(',') ?? ['redis', 'httpd', 'mysql', 'ubuntu']) as Preset[];

async function setup(): Promise<Setup> {
  const site = benchFolder('');
  chmodSync(site, 0o755); // Apache reads it as another user; mkdtemp makes it 0700
  writeFileSync(path.join(site, 'hello.txt'), 'hello\n');
  const images = {} as Record<Preset, string>;
  for (const name of PRESETS) {
    const { image, offline } = presets[name];
    images[name] = (await resolveImage({ name, image, offline }, undefined, (e) => log(e.message))).image;
  }
  return { images, site };
}

async function startToFirstUse(s: Setup): Promise<Record<Preset, Sample>> {
  const ours = {} as Record<Preset, Sample>;
  for (const preset of PRESETS) {
    log(`${preset}: start → first use, ${runs} runs each, raw docker, testcontainers and sandpit in turn`);
    const [r, tc, sp] = (await interleave(runs, [() => raw(s)(preset), () => testcontainers(s)(preset), () => sandpit(s)(preset)])) as [Sample, Sample, Sample];
    ours[preset] = sp;
    rows.push({
      case: `${preset}: start → first use`,
      sandpit: sp,
      raw: r,
      testcontainers: tc,
      ratios: { 'sandpit÷raw': ratio(sp.median, r.median), 'sandpit÷tc': ratio(sp.median, tc.median) },
      target: preset === 'mysql' ? '≤ 600 ms' : '≤ 1.05× raw',
    });
  }
  if (!PRESETS.includes('mysql')) return ours;
  log('mysql: testcontainers MySqlContainer module');
  const module = await measure(runs, mysqlModule(s));
  rows.push({
    case: 'mysql: vs MySqlContainer module',
    sandpit: ours.mysql,
    testcontainers: module,
    ratios: { 'sandpit÷tc': ratio(ours.mysql.median, module.median) },
    target: '≤ 0.5× tc',
  });
  return ours;
}

async function fourTogether(s: Setup, singles: Record<Preset, Sample>): Promise<void> {
  log('four presets together, and stopping them (sandpit and raw docker, alternating)');
  const together: number[] = [];
  const stops: number[] = [];
  const rawTogether: number[] = [];
  const rawStops: number[] = [];
  const rawMysql: number[] = [];
  // The raw floor starts mysql from the snapshot sandpit starts from (found in the warm-up round), as
  // the four-together row is about what the engine allows, not about a data directory's initialisation.
  let floor: Setup | undefined;
  for (let i = 0; i <= runs; i++) await step('four together', async () => {
    const t0 = performance.now();
    const services = await startAll([
      'redis',
      { preset: 'httpd', root: s.site },
      { preset: 'mysql', database: 'app', user: 'app', password: 'app-pw' },
      'ubuntu',
    ]);
    const [redis, web, db, box] = services;
    await Promise.all([
      firstUse.redis(redis!.host, redis!.port),
      firstUse.httpd(web!.host, web!.port),
      firstUse.mysql(db!.host, db!.port),
      box!.exec(['echo', 'ok']),
    ]);
    const t1 = performance.now();
    floor ??= await snapshotFloor(s, db!.containerId);
    await Promise.all(services.map((x) => x.stop()));
    const t2 = performance.now();
    await settle();
    const r = await rawFour(floor, PRESETS);
    await settle();
    const alone = await raw(floor)('mysql');
    await settle();
    if (i > 0) (together.push(t1 - t0), stops.push(t2 - t1), rawTogether.push(r.together), rawStops.push(r.stop), rawMysql.push(alone));
  });
  const slowest = Math.max(...PRESETS.map((p) => singles[p].median));
  const four = summarise(together);
  fourMedian = four.median;
  const rawFourSample = summarise(rawTogether);
  const rawAlone = summarise(rawMysql);
  rows.push({
    case: 'four together (vs slowest single; raw: the same images, mysql from the snapshot)',
    sandpit: four,
    raw: rawFourSample,
    ratios: {
      'sandpit÷slowest': ratio(four.median, slowest),
      'sandpit÷raw': ratio(four.median, rawFourSample.median),
      // What the engine itself allows: four raw starts against that mysql's raw start alone.
      'raw÷raw mysql alone': ratio(rawFourSample.median, rawAlone.median),
    },
    target: '≤ 1.15×',
  });
  const stop = summarise(stops);
  const rawStop = summarise(rawStops);
  rows.push({ case: 'stop all four', sandpit: stop, raw: rawStop, ratios: { 'sandpit÷raw': ratio(stop.median, rawStop.median) }, target: '≤ 300 ms' });
}

/** `s` with mysql's image the snapshot a sandpit mysql container runs, and that snapshot's own account. */
async function snapshotFloor(s: Setup, containerId: string): Promise<Setup> {
  const image = (await execa('docker', ['inspect', '-f', '{{.Config.Image}}', containerId])).stdout.trim();
  const env = JSON.parse((await execa('docker', ['inspect', '-f', '{{json .Config.Env}}', image])).stdout) as string[];
  const value = (key: string) => env.find((e) => e.startsWith(`${key}=`))?.slice(key.length + 1) ?? '';
  return { ...s, images: { ...s.images, mysql: image }, mysqlLogin: { user: value('MYSQL_USER'), password: value('MYSQL_PASSWORD'), database: value('MYSQL_DATABASE') } };
}

/** Lets the engine finish removing before the next timed start. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

async function cliCases(s: Setup): Promise<void> {
  log('CLI: up redis --detach, and --help cold');
  const up = await measure(runs, async () => {
    const name = `bench${Math.random().toString(36).slice(2, 8)}`;
    const t0 = performance.now();
    cliNames.add(name);
    const { stdout } = await execa('node', [cli, 'up', 'redis', '--detach', '--json', '--name', name]);
    const [service] = JSON.parse(stdout) as { host: string; port: number }[];
    await firstUse.redis(service!.host, service!.port);
    const elapsed = performance.now() - t0;
    await execa('node', [cli, 'down', name]);
    cliNames.delete(name);
    return elapsed;
  });
  const rawRedis = await measure(runs, () => raw(s)('redis'));
  rows.push({ case: 'CLI: up redis --detach → first use', sandpit: up, raw: rawRedis, ratios: { 'sandpit÷raw': ratio(up.median, rawRedis.median) }, target: '≤ 1.5× raw' });
  const help = await measure(runs, async () => {
    const t0 = performance.now();
    await execa('node', [cli, '--help']);
    return performance.now() - t0;
  }, 50);
  const bare = await measure(runs, async () => {
    const t0 = performance.now();
    await execa('node', ['-e', '0']);
    return performance.now() - t0;
  }, 50);
  rows.push({ case: 'CLI: sandpit --help (vs bare node)', sandpit: help, raw: bare, ratios: { 'sandpit÷raw': ratio(help.median, bare.median) }, target: '≤ 150 ms' });
}

async function jestCase(slowest: number | undefined): Promise<void> {
  log('Jest: a run with the preset and four services vs the same run without');
  const project = benchFolder('jest-');
  mkdirSync(path.join(project, 'public'));
  writeFileSync(path.join(project, 'public/index.html'), 'hi\n');
  writeFileSync(path.join(project, 'trivial.test.js'), "test('runs', () => expect(1).toBe(1));\n");
  installHere(project, root); // `preset: 'sandpit-services'`, resolved as in a project that installed it
  writeFileSync(
    path.join(project, 'sandpit.config.json'),
    JSON.stringify({ services: { cache: { preset: 'redis' }, db: { preset: 'mysql' }, site: { preset: 'httpd', root: './public' }, box: { preset: 'ubuntu' } } }),
  );
  const jest = path.join(root, 'node_modules/jest/bin/jest.js');
  const run = (withPreset: boolean) => async () => {
    writeFileSync(
      path.join(project, 'jest.config.cjs'),
      `module.exports = ${JSON.stringify(withPreset ? { preset: 'sandpit-services' } : {})};\n`,
    );
    const t0 = performance.now();
    const jestRun = execa('node', [jest, '--rootDir', project, '--ci'], { cwd: project });
    await jestRun;
    const took = performance.now() - t0;
    // Its containers go beside Jest's exit (the watchdog): untimed, but not left to slow the next run.
    await removedFor(jestRun.pid);
    return took;
  };
  const [without, withServices] = await alternate(Math.min(runs, 5), run(false), run(true));
  rows.push({
    case: 'Jest run: preset + 4 services vs none',
    sandpit: withServices,
    raw: without,
    ratios: {
      'added ms': withServices.median - without.median,
      ...(slowest === undefined ? {} : { 'added − slowest single': Math.round(withServices.median - without.median - slowest) }),
      ...(fourMedian === undefined ? {} : { 'added − four together': Math.round(withServices.median - without.median - fourMedian) }),
    },
    target: '≤ slowest service + 300 ms',
  });
}

async function rss(): Promise<void> {
  log('RSS of a node process holding one service, then four');
  const script = `
    import { start } from ${JSON.stringify(path.join(root, 'dist/lib/index.js'))};
    import { startAll } from ${JSON.stringify(path.join(root, 'dist/lib/service/group.js'))};
    const mb = () => process.memoryUsage().rss / 2 ** 20;
    const redis = await start('redis');
    const one = { rss: mb(), peak: process.resourceUsage().maxRSS / 1024 };
    const three = await startAll(['mysql', 'httpd', 'ubuntu']);
    console.log(JSON.stringify({ one, four: { rss: mb(), peak: process.resourceUsage().maxRSS / 1024 } }));
    await Promise.all([redis, ...three].map((s) => s.stop()));`;
  const { stdout } = await step('RSS', () => execa('node', ['--input-type=module', '-e', script]));
  const { one, four } = JSON.parse(stdout) as Record<'one' | 'four', { rss: number; peak: number }>;
  rows.push({ case: 'RSS holding one service (MB, peak)', sandpit: summarise([one.peak]), ratios: { 'current MB': Math.round(one.rss) }, target: '≤ 80 MB' });
  rows.push({ case: 'RSS holding four services (MB, peak)', sandpit: summarise([four.peak]), ratios: { 'current MB': Math.round(four.rss) }, target: '≤ 100 MB' });
}

/** What the runner rows' numbers mean, when they are there: the bench says what remains, and why. */
function notes(): string {
  if (!rows.some((r) => r.ratios['added − four together'] !== undefined)) return '';
  return [
    '',
    '',
    "Runner rows: 'added − four together' is the runner preset's own cost (loading sandpit in the runner,",
    "per-worker copies, handing the services to the workers). The rest of 'added − slowest single' is four",
    "containers starting at once: the engine pays that without sandpit too ('raw÷raw mysql alone' in the",
    'four-together row: the same four images started with docker run, against that mysql alone).',
  ].join('\n');
}

function table(): string {
  const fmt = (s?: Sample) => (s ? `${s.median} (${s.min}–${s.max})` : '–');
  const header = ['case', 'sandpit', 'raw docker / baseline', 'testcontainers', 'ratios', 'target'];
  const body = rows.map((r) => [
    r.case,
    fmt(r.sandpit),
    fmt(r.raw),
    fmt(r.testcontainers),
    Object.entries(r.ratios).map(([k, v]) => `${k} ${v ?? '–'}`).join(', '),
    r.target ?? '',
  ]);
  return [header, header.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

const s = await step('image setup', setup, 1_800_000);
let slowest: number | undefined;
/** The four together's median, when measured: a runner's added time minus it is the runner preset's own cost. */
let fourMedian: number | undefined;
if (section('start') || section('four')) {
  const singles = await startToFirstUse(s);
  slowest = Math.max(...PRESETS.map((p) => singles[p].median));
  if (section('four')) await fourTogether(s, singles);
}
if (section('cli')) await cliCases(s);
if (section('jest')) await jestCase(slowest);
if (section('exec')) rows.push(await execCase(root, Math.max(runs, 20), log));
if (section('vitest')) rows.push(await vitestCase(root, runs, { slowest, four: fourMedian }, log));
if (section('rss')) await rss();
if (section('seed') || section('plain')) rows.push(...(await seededCases(s.images.mysql, runs, log, { seeded: section('seed'), plain: section('plain') })));
if (section('remote')) rows.push(...(await remoteCases(root, s.images.redis, runs, log)));
if (section('isolation')) rows.push(...(await isolationCases(runs, log)));
if (section('reuse')) rows.push(await reuseCase(root, runs, log));
if (json) console.log(JSON.stringify({ runs, date: new Date().toISOString(), rows }, null, 2));
else console.log(`\nsandpit bench — ${runs} runs per case, median (min–max) in ms, ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}\n\n${table()}${notes()}`);
