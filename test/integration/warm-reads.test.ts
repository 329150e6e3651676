import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { docker, engineChoice } from '../../lib/docker/client.js';
import { removeContainer } from '../../lib/cleanup/remove.js';
import { startOrReuse } from '../../lib/reuse/start.js';
import { holdOffPrunes } from '../helpers/prune-lock.js';

// Other files' prunes would take the idle warm containers this file hands back and takes over.
holdOffPrunes();

const takeOver = fileURLToPath(new URL('../fixtures/warm-take-over.mjs', import.meta.url));

/** A built module's path, for code run in a process of its own. */
const dist = (file: string) => JSON.stringify(fileURLToPath(new URL(`../../dist/lib/${file}`, import.meta.url)));

// A warm run (reuse) lists and inspects on the socket the last full connect used, without the
// testcontainers runtime; whenever that record does not fit, it connects in full as before.
describe('warm reads on the remembered engine socket', () => {
  const name = `warmreads${process.pid}`;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sandpit-warm-reads-'));
  let id = '';
  let socketPath = '';

  beforeAll(async () => {
    const warm = await startOrReuse([{ preset: 'redis', name }], { idleMs: 60_000 }, () => true);
    id = warm.services[0]!.containerId;
    await Promise.all([...warm.releases.values()].map((release) => release()));
    socketPath = String((((await docker()).container.dockerode.modem as { socketPath?: string }).socketPath) ?? '');
  });

  afterAll(async () => {
    if (id) await removeContainer(id);
    rmSync(tmp, { recursive: true, force: true });
  });

  /** A second run in a child process, with its own temp dir holding `record` (none when undefined). */
  const secondRun = async (record: object | undefined, env: Record<string, string> = {}, mode = 0o600, asLink = false) => {
    const dir = mkdtempSync(path.join(tmp, 'run-'));
    if (record) {
      const file = path.join(dir, `sandpit-engine-${process.getuid!()}.json`);
      const target = asLink ? path.join(dir, 'elsewhere.json') : file;
      writeFileSync(target, JSON.stringify(record));
      chmodSync(target, mode);
      if (asLink) symlinkSync(target, file);
    }
    const { stdout } = await execa('node', [takeOver, name], { env: { ...env, TMPDIR: dir, SANDPIT_REAPER: '0' } });
    return JSON.parse(stdout) as { id: string; reused: boolean; runtime: boolean; host: string; port: number };
  };

  test('a full connect remembers a local engine, and the record fits only the same selection', async () => {
    expect(socketPath).not.toBe(''); // this suite needs an engine on a local socket
    // In a process of its own: the record lives in the temp dir, read from the real environment (a
    // test's process.env is Jest's copy).
    const dir = mkdtempSync(path.join(tmp, 'record-'));
    const probe = `import { docker, engineChoice } from ${dist('docker/client.js')};
      import { rememberedEngine } from ${dist('docker/remembered.js')};
      const before = rememberedEngine(engineChoice()) ?? null;
      const client = await docker();
      console.log(JSON.stringify({ before, after: rememberedEngine(engineChoice()) ?? null, other: rememberedEngine('tcp://10.9.9.9:2375') ?? null,
        selection: engineChoice(), host: client.info.containerRuntime.host }));`;
    const { stdout } = await execa('node', ['--input-type=module', '-e', probe], { env: { TMPDIR: dir } });
    const { before, after, other, selection, host } = JSON.parse(stdout) as Record<string, unknown>;
    expect(before).toBeNull();
    expect(after).toEqual({ selection, override: '', socketPath, host });
    expect(other).toBeNull();
  });

  test('a second run takes the warm service over without loading the testcontainers runtime', async () => {
    const client = await docker();
    const taken = await secondRun({ selection: engineChoice(), override: '', socketPath, host: client.info.containerRuntime.host });
    expect(taken).toMatchObject({ id, reused: true, runtime: false });
    // Reached where a full connect would say: the service answers there.
    const { stdout } = await execa('docker', ['exec', id, 'redis-cli', 'PING']);
    expect(stdout.trim()).toBe('PONG');
    expect(taken.port).toBeGreaterThan(0);
  });

  test("with no record, a record of another socket than testcontainers' first, another engine choice, or a record others may write, it connects in full and still takes over", async () => {
    const client = await docker();
    const host = client.info.containerRuntime.host;
    const notASocket = path.join(tmp, 'not-a-socket');
    writeFileSync(notASocket, '');
    const home = mkdtempSync(path.join(tmp, 'home-'));
    writeFileSync(path.join(home, '.testcontainers.properties'), `docker.host=unix://${socketPath}\n`);
    const runs = [
      await secondRun(undefined),
      // Not the socket testcontainers tries first (nothing names an engine here).
      await secondRun({ selection: engineChoice(), override: '', socketPath: notASocket, host }),
      // DOCKER_HOST names the same engine, but the record was made without it: it does not fit.
      await secondRun({ selection: '', override: '', socketPath, host }, { DOCKER_HOST: `unix://${socketPath}` }),
      // So does testcontainers' properties file naming an engine.
      await secondRun({ selection: engineChoice(), override: '', socketPath, host }, { HOME: home }),
      // A record others may write (the temp dir is shared), or a link, is not trusted, however well it fits.
      await secondRun({ selection: engineChoice(), override: '', socketPath, host }, {}, 0o666),
      await secondRun({ selection: engineChoice(), override: '', socketPath, host }, {}, 0o600, true),
    ];
    for (const taken of runs) expect(taken).toMatchObject({ id, reused: true, runtime: true });
  });

  test("a record of a socket that answers but is not the one testcontainers would try first is not used", async () => {
    // A second way to the same engine (a proxy): its answers are right, but nothing says a full connect would go there.
    const proxy = path.join(tmp, 'proxy.sock');
    const server = net.createServer((inbound) => {
      const outbound = net.connect(socketPath);
      for (const end of [inbound, outbound]) end.on('error', () => {});
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => server.listen(proxy, resolve));
    try {
      const client = await docker();
      const taken = await secondRun({ selection: engineChoice(), override: '', socketPath: proxy, host: client.info.containerRuntime.host });
      expect(taken).toMatchObject({ id, reused: true, runtime: true });
    } finally {
      server.close();
    }
  });

  test("with no record, a resetter's reads by id go through the full client and list nothing", async () => {
    // In a process of its own: the temp dir (where the record would be) is read from the real environment.
    // Counted on dockerode's prototype: connecting first (to reach the instance) would write the record.
    const dockerode = JSON.stringify(fileURLToPath(new URL('../../node_modules/dockerode/lib/docker.js', import.meta.url)));
    // A full connect writes the record, so each call gets an empty temp dir of its own.
    const probe = `import { createRequire } from 'node:module';
      import { mkdtempSync } from 'node:fs';
      import { idReads, startedAt } from ${dist('reuse/reads.js')};
      const Docker = createRequire(import.meta.url)(${dockerode});
      const list = Docker.prototype.listContainers;
      let lists = 0;
      Docker.prototype.listContainers = function (...args) { lists++; return list.apply(this, args); };
      const empty = () => (process.env.TMPDIR = mkdtempSync(${JSON.stringify(path.join(tmp, 'none-'))}));
      empty();
      const again = await startedAt(${JSON.stringify(id)});
      empty();
      const started = await (await idReads()).started(${JSON.stringify(id)});
      console.log(JSON.stringify({ started, again, lists }));`;
    const { stdout } = await execa('node', ['--input-type=module', '-e', probe]);
    const { started, again, lists } = JSON.parse(stdout) as { started?: string; again?: string; lists: number };
    expect(started).toEqual(expect.any(String));
    expect(again).toBe(started);
    expect(lists).toBe(0);
  });

  test('a remembered socket that does not answer: the run falls back to a full connect, which says so', async () => {
    // Named by DOCKER_HOST, so the full connect must use it too: its error, not a hang or a parse error, is what the user sees.
    const fake = path.join(tmp, 'fake.sock');
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(fake, resolve));
    try {
      const dir = mkdtempSync(path.join(tmp, 'run-'));
      const record = { selection: `unix://${fake}`, override: '', socketPath: fake, host: '127.0.0.1' };
      writeFileSync(path.join(dir, `sandpit-engine-${process.getuid!()}.json`), JSON.stringify(record), { mode: 0o600 });
      const run = await execa('node', [takeOver, name], { env: { TMPDIR: dir, SANDPIT_REAPER: '0', DOCKER_HOST: `unix://${fake}` }, reject: false });
      expect(run.exitCode).not.toBe(0);
      expect(run.stderr).toContain(`The Docker engine at unix://${fake} (DOCKER_HOST) is not reachable`);
    } finally {
      server.close();
    }
  });
});
