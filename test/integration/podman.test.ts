import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@redis/client';
import { execa } from 'execa';
import { createConnection } from 'mysql2/promise';
import { offlineTag } from '../../lib/images/offline.js';
import { presets, presetNames } from '../../lib/presets/index.js';
import { eventually } from '../helpers/engine.js';

/**
 * The four presets through Podman's Docker-compatible API, where Podman is installed (Debian's
 * `podman`; CI machines without it skip this file and say so). Its own service on a socket in a
 * temporary folder; the offline images are brought over from the Docker engine.
 */
const podman = spawnSync('podman', ['--version']).status === 0;
const suite = podman && process.getuid?.() === 0 ? describe : describe.skip;
if (!podman) console.warn('podman tests skipped: no podman here (apt-get install podman)');

const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'sandpit-podman-'));
const socket = `unix://${path.join(dir, 'podman.sock')}`;
const images = presetNames.map((name) => offlineTag(name, presets[name].offline));
let service: ChildProcess | undefined;
let lib: typeof import('../../lib/index.js');
let labels: typeof import('../../lib/cleanup/labels.js');
const saved = process.env.DOCKER_HOST;

/** This process's hard limit; Podman asks the kernel for more than that, which needs CAP_SYS_RESOURCE. */
function hardLimit(name: string, cap: number): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(name));
  const hard = Number(line?.trim().split(/\s{2,}/)[2]);
  return Number.isFinite(hard) ? Math.min(hard, cap) : cap;
}

beforeAll(async () => {
  if (!podman) return;
  const nofile = hardLimit('Max open files', 20000);
  const nproc = hardLimit('Max processes', 32768);
  writeFileSync(path.join(dir, 'containers.conf'), `[containers]\ndefault_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]\n`);
  service = spawn('podman', ['system', 'service', '--time=0', socket], {
    env: { ...process.env, CONTAINERS_CONF: path.join(dir, 'containers.conf') },
    stdio: 'ignore',
  });
  process.env.DOCKER_HOST = socket;
  expect(await eventually(async () => (await execa('docker', ['version'], { reject: false })).exitCode === 0, 20_000)).toBe(true);
  await execa('bash', ['-c', `docker -H unix:///var/run/docker.sock save ${images.join(' ')} | podman load -q`]);
  lib = await import('../../lib/index.js');
  labels = await import('../../lib/cleanup/labels.js');
}, 240_000);

afterAll(async () => {
  if (!podman) return;
  if (saved === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = saved;
  if (labels) await execa('bash', ['-c', `podman ps -aq --filter label=sandpit.session=${labels.sessionId} | xargs -r podman rm -f`], { reject: false });
  service?.kill();
  await execa('podman', ['rmi', ...images], { reject: false });
  // mysql with init scripts leaves a snapshot image behind on purpose (a cache); not in this test's store.
  await execa('bash', ['-c', "podman images --format '{{.Repository}} {{.ID}}' | awk '/sandpit-snapshot/ {print $2}' | xargs -r podman rmi -f"], { reject: false });
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

suite('Podman, through its Docker-compatible socket', () => {
  test('doctor names Podman', async () => {
    const result = await execa('node', [cli, 'doctor'], { reject: false, env: { DOCKER_HOST: socket, NO_COLOR: '1' } });
    expect(result.stdout).toContain(`Podman engine reachable at ${socket} (local, DOCKER_HOST)`);
  });

  test('the four presets start, answer and are removed', async () => {
    const site = mkdtempSync(path.join(os.tmpdir(), 'sandpit-podman-site-'));
    chmodSync(site, 0o755);
    writeFileSync(path.join(site, 'hello.txt'), 'served by podman\n');
    const [redis, httpd, mysql, ubuntu] = await Promise.all([
      lib.start('redis'),
      lib.start({ preset: 'httpd', root: site }),
      lib.start({ preset: 'mysql', initScripts: ['CREATE TABLE t (id INT); INSERT INTO t VALUES (3);'] }),
      lib.start('ubuntu'),
    ]);
    try {
      const client = await createClient({ url: redis.url }).connect();
      expect(await client.ping()).toBe('PONG');
      client.destroy();
      expect(await (await fetch(new URL('hello.txt', httpd.url))).text()).toBe('served by podman\n');
      const connection = await createConnection(mysql.url);
      expect((await connection.query('SELECT id FROM t'))[0]).toEqual([{ id: 3 }]);
      await connection.end();
      expect((await ubuntu.exec(['echo', 'ok'])).stdout.trim()).toBe('ok');
    } finally {
      await Promise.all([redis, httpd, mysql, ubuntu].map((s) => s.stop()));
      rmSync(site, { recursive: true, force: true });
    }
    const { stdout } = await execa('podman', ['ps', '-aq', '--filter', `label=sandpit.session=${labels.sessionId}`]);
    expect(stdout.trim()).toBe('');
  });

  // Warm reuse takes an httpd or ubuntu over only if its history says nothing changed it (lib/reuse/untouched.ts).
  // Podman answers nothing for an `until` already past: asked Docker's way, every box would count as changed.
  test("a box's history reads as on Docker: untouched since its start, then changed by an exec (socket and full client)", async () => {
    // One at a time: Jest's ESM loader fails on parallel imports that share a built-in (node:http).
    const { socketReads } = await import('../../lib/docker/socket-reads.js');
    const { fullReads } = await import('../../lib/reuse/reads.js');
    const { untouched } = await import('../../lib/reuse/untouched.js');
    const box = await lib.start('ubuntu');
    try {
      const seen = { id: box.containerId, since: Math.floor(Date.now() / 1000) - 60 };
      // A fresh reader each time: each reads the engine's clock anew, as a run does.
      const bothSay = async () => [await untouched(socketReads(path.join(dir, 'podman.sock')), seen), await untouched(await fullReads({ id: [box.containerId] }, { events: true }), seen)];
      expect(await bothSay()).toEqual([true, true]);
      expect(await bothSay()).toEqual([true, true]);
      expect((await box.exec(['sh', '-c', 'echo changed > /tmp/changed'])).exitCode).toBe(0);
      expect(await bothSay()).toEqual([false, false]);
    } finally {
      await box.stop();
    }
  });
  // Podman (4.3, seen here) creates a container whatever its bind mounts name (a path it lacks included), so
  // the two creates that answer on Docker (visibility.test.ts) prove nothing: it reads the marker through one.
  test('whether Podman sees local files is read through a container, and is yes on this machine', async () => {
    const { engineCalls } = await import('../../lib/docker/calls.js');
    const { measure } = await import('../../lib/files/visibility.js');
    const engine = await engineCalls();
    const made: string[] = [];
    const recording = { ...engine, archive: (id: string, at: string) => (made.push('archive'), engine.archive(id, at)) };
    expect(await measure(recording, offlineTag('httpd', presets.httpd.offline))).toBe(true);
    expect(made).toEqual(['archive']);
    const { stdout } = await execa('podman', ['ps', '-aq', '--filter', 'label=sandpit.name=visibility-probe']);
    expect(stdout.trim()).toBe('');
  });
});
