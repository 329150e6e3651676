// Bench rows for the test runners: exec() from a Jest test vs the same exec through the engine API,
// and Vitest runs with four services vs none (the Jest row of the same kind is in run.ts).
import { execa } from 'execa';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { step } from './deadline.js';
import type { Row } from './row.js';
import { alternate, ratio, summarise } from './stats.js';
import { benchFolder } from './temp.js';

/**
 * Waits (untimed) until the runner process `pid` has no container left: a run's containers go beside
 * its exit (the watchdog removes them), and must not slow the next measured run.
 */
export async function removedFor(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    const { stdout } = await execa('docker', ['ps', '-aq', '--filter', `label=sandpit.pid=${pid}`]);
    if (stdout.trim() === '') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the containers of runner process ${pid} were still there 15 s after it ended`);
}

/**
 * Makes `dir/node_modules` as `npm install sandpit-services` would: a copy of the package (its `files`)
 * and its dependencies beside it (linked to this repo's). Runners treat an installed package as
 * external code: Vitest then imports it natively rather than through its transform pipeline.
 */
export function installHere(dir: string, root: string): void {
  const modules = path.join(dir, 'node_modules');
  mkdirSync(modules);
  for (const entry of readdirSync(path.join(root, 'node_modules'))) {
    if (entry !== '.bin' && entry !== 'sandpit-services') symlinkSync(path.join(root, 'node_modules', entry), path.join(modules, entry));
  }
  const own = path.join(modules, 'sandpit-services');
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { files: string[] };
  for (const file of ['package.json', ...manifest.files]) cpSync(path.join(root, file), path.join(own, file), { recursive: true });
}

const FOUR = { cache: { preset: 'redis' }, db: { preset: 'mysql' }, site: { preset: 'httpd', root: './public' }, box: { preset: 'ubuntu' } };

function project(kind: string, services: object): string {
  const dir = benchFolder(`${kind}-`);
  mkdirSync(path.join(dir, 'public'));
  writeFileSync(path.join(dir, 'public/index.html'), 'hi\n');
  writeFileSync(path.join(dir, 'sandpit.config.json'), JSON.stringify({ services }));
  return dir;
}

/**
 * One Jest test calls exec('box', ['echo', 'ok']) and, alternating with it, the same exec through
 * the engine API (dockerode: create, start, read the stream, inspect), `calls` times each after a
 * warm-up of each, and writes the timings to a file.
 */
export async function execCase(root: string, calls: number, log: (line: string) => void): Promise<Row> {
  log(`Jest: exec() from a test vs docker exec through the engine API, ${calls} calls each`);
  const dir = project('exec', { box: { preset: 'ubuntu' } });
  const out = path.join(dir, 'timings.json');
  writeFileSync(
    path.join(dir, 'exec.test.js'),
    `const { exec, service } = require(${JSON.stringify(path.join(root, 'dist/lib/jest/index.cjs'))});
const Docker = require(${JSON.stringify(path.join(root, 'node_modules/dockerode'))});
const { PassThrough } = require('node:stream');
const docker = new Docker();
async function raw(id) {
  const run = await docker.getContainer(id).exec({ Cmd: ['echo', 'ok'], AttachStdout: true, AttachStderr: true });
  const stream = await run.start({ hijack: true, stdin: false });
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (d) => (text += d));
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise((resolve, reject) => (stream.on('end', resolve), stream.on('error', reject)));
  const { ExitCode } = await run.inspect();
  if (ExitCode !== 0 || text !== 'ok\\n') throw new Error('raw exec: ' + ExitCode + ' ' + text);
}
test('exec timings', async () => {
  const id = service('box').containerId;
  const ours = [], api = [];
  for (let i = 0; i <= ${calls}; i++) {
    let t0 = performance.now();
    const { stdout } = await exec('box', ['echo', 'ok']);
    if (stdout !== 'ok\\n') throw new Error('exec: ' + stdout);
    if (i > 0) ours.push(performance.now() - t0);
    t0 = performance.now();
    await raw(id);
    if (i > 0) api.push(performance.now() - t0);
  }
  require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({ ours, api }));
}, 120000);
`,
  );
  writeFileSync(path.join(dir, 'jest.config.cjs'), `module.exports = ${JSON.stringify({ preset: path.join(root, 'jest.preset.js') })};\n`);
  await step('exec() from Jest', () => execa('node', [path.join(root, 'node_modules/jest/bin/jest.js'), '--rootDir', dir, '--ci'], { cwd: dir }));
  const { ours, api } = JSON.parse(readFileSync(out, 'utf8')) as { ours: number[]; api: number[] };
  const sp = summarise(ours);
  const rw = summarise(api);
  return { case: 'exec() from a Jest test vs docker exec (engine API)', sandpit: sp, raw: rw, ratios: { 'sandpit÷raw': ratio(sp.median, rw.median) }, target: '≤ 1.3× raw' };
}

/** `vitest run` of one trivial test, with sandpit's global setup and four services, and without. */
export async function vitestCase(root: string, runs: number, { slowest, four }: { slowest?: number | undefined; four?: number | undefined }, log: (line: string) => void): Promise<Row> {
  log('Vitest: a run with sandpit-services/vitest and four services vs the same run without');
  const dir = project('vitest', FOUR);
  installHere(dir, root); // one Vitest, the repo's; sandpit-services as a project has it
  writeFileSync(path.join(dir, 'trivial.test.js'), "import { expect, test } from 'vitest';\ntest('runs', () => expect(1).toBe(1));\n");
  const run = (withServices: boolean) => async () => {
    const setup = withServices ? { globalSetup: ['sandpit-services/vitest'] } : {};
    writeFileSync(path.join(dir, 'vitest.config.mjs'), `export default ${JSON.stringify({ test: setup })};\n`);
    const t0 = performance.now();
    const vitest = execa('node', [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run'], { cwd: dir });
    await step('a Vitest run', () => vitest);
    const took = performance.now() - t0;
    await removedFor(vitest.pid);
    return took;
  };
  const [without, withServices] = await alternate(Math.min(runs, 5), run(false), run(true));
  const added = withServices.median - without.median;
  return {
    case: 'Vitest run: 4 services vs none',
    sandpit: withServices,
    raw: without,
    ratios: {
      'added ms': added,
      ...(slowest === undefined ? {} : { 'added − slowest single': Math.round(added - slowest) }),
      ...(four === undefined ? {} : { 'added − four together': Math.round(added - four) }),
    },
    target: '≤ slowest service + 300 ms',
  };
}
