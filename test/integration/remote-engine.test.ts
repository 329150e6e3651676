import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@redis/client';
import { execa } from 'execa';
import { createConnection } from 'mysql2/promise';
import { track } from '../helpers/children.js';
import { containersWith, eventually } from '../helpers/engine.js';
import { offlineTag } from '../../lib/images/offline.js';
import { presets, presetNames } from '../../lib/presets/index.js';

/**
 * A second engine that cannot see this machine's files, reached over tcp:// only (see
 * remote-engine.sh): what CI's docker:dind or a shared build engine look like from the tests.
 * One engine for the whole file; `down` runs after it, and again from an exit hook if Jest is
 * torn down mid-way. A run killed harder than that is cleared by the next `up`.
 */
const script = fileURLToPath(new URL('../helpers/remote-engine.sh', import.meta.url));
const sshd = fileURLToPath(new URL('../helpers/remote-sshd.sh', import.meta.url));
const hold = fileURLToPath(new URL('../fixtures/hold.mjs', import.meta.url));
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

// Root, iproute2 and a dockerd binary: what CI has. Elsewhere the file says why it does not run.
const missing = process.getuid?.() !== 0 ? 'root' : !existsSync('/usr/sbin/dockerd') && !existsSync('/usr/bin/dockerd') ? 'dockerd' : undefined;
const suite = missing ? describe.skip : describe;
if (missing) console.warn(`remote-engine tests skipped: they need ${missing}`);

const down = () => spawnSync('bash', [script, 'down'], { stdio: 'ignore' });
let uri = '';
let localHost: string | undefined;
let lib: typeof import('../../lib/index.js');
type Service = Awaited<ReturnType<typeof lib.start<'redis'>>>;
let labels: typeof import('../../lib/cleanup/labels.js');

beforeAll(async () => {
  if (missing) return;
  process.once('exit', down);
  uri = (await execa('bash', [script, 'up'])).stdout.trim();
  // Its image store starts empty and no registry is reachable: bring the offline images over.
  const images = presetNames.map((name) => offlineTag(name, presets[name].offline));
  await execa('bash', ['-c', `docker save ${images.join(' ')} | docker -H ${uri} load -q`]);
  localHost = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = uri;
  // Imported now: the library settles its engine on first use, and this file's is the remote one.
  lib = await import('../../lib/index.js');
  labels = await import('../../lib/cleanup/labels.js');
}, 240_000);

afterAll(() => {
  if (missing) return;
  if (localHost === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = localHost;
  const result = down();
  process.removeListener('exit', down);
  expect(result.status).toBe(0);
}, 120_000);

suite('a remote engine (tcp://, another machine\'s disk)', () => {
  test('every preset starts, answers at the engine\'s address and is removed; local files are copied in', async () => {
    const site = mkdtempSync(path.join(os.tmpdir(), 'sandpit-remote-site-'));
    chmodSync(site, 0o755); // as a bind mount would, the copy keeps modes: Apache reads as another user
    writeFileSync(path.join(site, 'hello.txt'), 'served from a copy\n');
    const schema = path.join(site, 'schema.sql');
    writeFileSync(schema, 'CREATE TABLE t (id INT PRIMARY KEY);\nINSERT INTO t VALUES (7);\n');

    const said: string[] = [];
    // Settled, not all: a failed start must not leave the others running into the next test.
    const starts = await Promise.allSettled([
      lib.start('redis'),
      lib.start({ preset: 'httpd', root: site, onProgress: ({ message, notice }) => notice && said.push(message) }),
      lib.start({ preset: 'mysql', initScripts: [schema] }),
      lib.start('ubuntu'),
    ]);
    const started = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(started.map((s) => s.stop()));
      throw failed.reason;
    }
    const [redis, httpd, mysql, ubuntu] = started as [Service, Service, Service, Service];
    try {
      for (const service of [redis, httpd, mysql, ubuntu]) expect(service.host).toBe(new URL(uri).hostname);

      const client = await createClient({ url: redis.url }).connect();
      expect(await client.ping()).toBe('PONG');
      client.destroy();

      // The engine's /tmp is not ours: this is the copy, not a mount of the engine's own (empty) path.
      const response = await fetch(new URL('hello.txt', httpd.url));
      expect(await response.text()).toBe('served from a copy\n');
      // And the start said so, even in quiet output: later edits will not show.
      expect(said).toContain(`${site} is copied in (the engine at ${uri} cannot see this machine's files): later edits do not show`);

      const connection = await createConnection(mysql.url);
      const [rows] = await connection.query('SELECT id FROM t');
      expect(rows).toEqual([{ id: 7 }]);
      await connection.end();

      expect((await ubuntu.exec(['echo', 'ok'])).stdout.trim()).toBe('ok');
      // Published on all of the engine's addresses: its loopback is out of our reach.
      const { stdout } = await execa('docker', ['inspect', '--format', '{{json .HostConfig.PortBindings}}', redis.containerId]);
      expect(JSON.parse(stdout)['6379/tcp'][0].HostIp).toBe('0.0.0.0');
    } finally {
      await Promise.all([redis, httpd, mysql, ubuntu].map((s) => s.stop()));
      rmSync(site, { recursive: true, force: true });
    }
    expect(await containersWith(`sandpit.session=${labels.sessionId}`)).toEqual([]);
  });

  test('a writable mount is refused, naming the engine, and leaves nothing behind', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'sandpit-remote-mount-'));
    await expect(lib.start({ preset: 'ubuntu', mount: folder })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining(uri),
    });
    rmSync(folder, { recursive: true, force: true });
    expect(await containersWith(`sandpit.session=${labels.sessionId}`)).toEqual([]);
  });

  test('a port busy on this machine is still free on the engine\'s: only the engine decides', async () => {
    const local = net.createServer().listen(0, '0.0.0.0');
    await once(local, 'listening');
    const port = (local.address() as net.AddressInfo).port;
    try {
      await using redis = await lib.start({ preset: 'redis', port, name: 'first' });
      expect(redis.port).toBe(port);
      // Taken on the engine's side: refused at its bind, naming the sandpit service there that holds it.
      const second = await lib.start({ preset: 'redis', port, name: 'second' }).then(() => undefined, (error: unknown) => error as { code?: string; message: string });
      expect(second?.code).toBe('PORT_IN_USE');
      expect(second?.message).toMatch(/^second: the host port is already in use: the sandpit service "first" holds it \(started earlier by this same process\) \(.*already allocated.*\)\. Pick another port/);
      expect(await containersWith(`sandpit.name=second`)).toEqual([]); // on the remote engine (DOCKER_HOST)
    } finally {
      local.close();
    }
  });

  test('SIGKILL of the owner: its watchdog removes everything on that engine', async () => {
    const child = track(execa('node', [hold, 'wait', 'redis', 'ubuntu'], { reject: false, env: { DOCKER_HOST: uri } }));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => resolve(chunk.toString()));
      child.once('exit', () => reject(new Error('fixture ended early')));
    });
    const { session } = JSON.parse(line) as { session: string };
    expect(await containersWith(`sandpit.session=${session}`)).toHaveLength(2);
    child.kill('SIGKILL');
    await child;
    expect(await eventually(async () => (await containersWith(`sandpit.session=${session}`)).length === 0, 20_000)).toBe(true);
  });

  test('a foreground up whose engine stops answering for a while says so and waits, not "removed"; Ctrl-C then removes it', async () => {
    const name = `blip${process.pid}`;
    const up = track(execa('node', [cli, 'up', 'redis', '--name', name], { reject: false, all: true, env: { DOCKER_HOST: uri, NO_COLOR: '1' } }));
    let said = '';
    up.all!.on('data', (chunk: Buffer) => (said += chunk.toString()));
    expect(await eventually(async () => said.includes('Ctrl-C'), 60_000)).toBe(true);
    // The engine's network drops (remote-engine.sh's namespace): its wait broke off after ~12 s, and up said the
    // service was removed, could not remove it, and exited, leaving it running there.
    const block = (op: '-I' | '-D') => execa('ip', ['netns', 'exec', 'sandpit-remote-test', 'iptables', op, 'INPUT', '-p', 'tcp', '--dport', '2375', '-j', 'DROP']);
    await block('-I');
    try {
      expect(await eventually(async () => said.includes(`sandpit: lost contact with the engine at ${uri}`), 90_000, 500)).toBe(true);
    } finally {
      await block('-D');
    }
    expect(await eventually(async () => said.includes(`sandpit: the engine at ${uri} answers again`), 30_000)).toBe(true);
    expect(said).not.toContain('is gone');
    expect(up.exitCode).toBeNull();
    expect(await containersWith(`sandpit.name=${name}`)).toHaveLength(1);
    up.kill('SIGINT');
    await up;
    expect(await eventually(async () => (await containersWith(`sandpit.name=${name}`)).length === 0, 20_000)).toBe(true);
  }, 240_000);

  test("SIGKILL of the owner while the engine refuses connections: its watchdog removes everything once it answers again", async () => {
    const child = track(execa('node', [hold, 'wait', 'redis'], { reject: false, env: { DOCKER_HOST: uri } }));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => resolve(chunk.toString()));
      child.once('exit', () => reject(new Error('fixture ended early')));
    });
    const { session } = JSON.parse(line) as { session: string };
    // Refused at once (not dropped, where a connect would just wait for the way back): the watchdog's one try failed.
    const refuse = (op: '-I' | '-D') => execa('ip', ['netns', 'exec', 'sandpit-remote-test', 'iptables', op, 'INPUT', '-p', 'tcp', '--dport', '2375', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
    await refuse('-I');
    try {
      child.kill('SIGKILL');
      await child;
      await new Promise((resolve) => setTimeout(resolve, 5000));
    } finally {
      await refuse('-D');
    }
    expect(await eventually(async () => (await containersWith(`sandpit.session=${session}`)).length === 0, 20_000)).toBe(true);
  }, 120_000);

  test('sandpit shell: the mount of this folder is refused with the flag to use instead; --no-mount works', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'sandpit-remote-shell-'));
    try {
      const env = { DOCKER_HOST: uri, NO_COLOR: '1' };
      const refused = await execa('node', [cli, 'shell', '--', 'true'], { cwd: folder, reject: false, env });
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain('Start the shell with --no-mount (nothing of this folder inside), or run sandpit where the engine runs.');
      const bare = await execa('node', [cli, 'shell', '--no-mount', '--', 'echo', 'ok'], { cwd: folder, reject: false, env });
      expect(bare).toMatchObject({ exitCode: 0, stdout: 'ok' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('doctor is green and says the engine is remote and why it was chosen', async () => {
    const result = await execa('node', [cli, 'doctor'], { reject: false, env: { DOCKER_HOST: uri, NO_COLOR: '1' } });
    expect(result.stdout).toContain(`engine reachable at ${uri} (remote, DOCKER_HOST)`);
    expect(result.stdout).toContain("cannot see this machine's files");
    expect(result.stdout).toMatch(/GB free at \S+ \(this machine's; the remote engine's own disk is not measured\)/);
    expect(result.exitCode).toBe(0);
  });

  // sshd is no part of a fresh CI machine; where it is installed, ssh:// is proven against the same engine.
  (existsSync('/usr/sbin/sshd') ? test : test.skip)('ssh://: the same engine through the user\'s ssh, its config and known_hosts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sandpit-remote-ssh-'));
    try {
      // The alias is no name in DNS: sandpit must reach the engine, and publish its services, through
      // the HostName the ssh config gives it.
      const alias = (await execa('bash', [sshd, 'up', dir, uri])).stdout.trim();
      const engineIp = new URL(uri).hostname;
      const calls = path.join(dir, 'ssh-calls');
      const connections = () => readFileSync(calls, 'utf8').split('\n').filter((line) => line.includes('dial-stdio')).length;
      // A stuck command ends by its own deadline (it removes what it started and says where it was),
      // so a hang fails here with its words rather than as this test's time-out.
      const env = { DOCKER_HOST: `ssh://${alias}`, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, NO_COLOR: '1', SANDPIT_COMMAND_TIMEOUT: '40s' };
      const sshUp = () => execa('node', [cli, 'up', 'redis', '--detach', '--json', '--name', 'overssh'], { reject: false, env });

      // An unknown host key is refused at once, in ssh's words, as `ssh` would: no prompt waited on.
      const knownHosts = readFileSync(path.join(dir, 'known_hosts'));
      writeFileSync(path.join(dir, 'known_hosts'), '');
      let up = await sshUp();
      expect(up.exitCode).not.toBe(0);
      expect(up.stderr).toContain('DOCKER_UNREACHABLE');
      expect(up.stderr).toContain(`\`ssh -- ${alias}\` ended (exit 255): Host key verification failed`);
      expect(await containersWith('sandpit.name=overssh')).toEqual([]);

      writeFileSync(path.join(dir, 'known_hosts'), knownHosts);
      const before = connections();
      up = await sshUp();
      expect({ exitCode: up.exitCode, stderr: up.stderr }).toEqual({ exitCode: 0, stderr: expect.any(String) });
      // Connections are kept alive between requests, as the Docker CLI keeps them: an up is ~10
      // requests, and each new connection costs a login and a docker CLI start over there. One: over
      // ssh no request goes beside another (parallelRequests: the image lookups, the sweep's list, the
      // exit wait after the inspect); 2 and 3 when some did.
      expect(connections() - before).toBe(1);
      expect(up.stderr).not.toContain('DeprecationWarning');
      const [service] = JSON.parse(up.stdout) as { url: string; host: string }[];
      expect(service!.host).toBe(engineIp);
      const client = await createClient({ url: service!.url, socket: { reconnectStrategy: false } }).connect();
      expect(await client.ping()).toBe('PONG');
      client.destroy();
      const down = await execa('node', [cli, 'down', 'overssh'], { reject: false, env });
      expect({ exitCode: down.exitCode, stderr: down.stderr }).toEqual({ exitCode: 0, stderr: expect.any(String) });
      expect(await containersWith('sandpit.name=overssh')).toEqual([]);
      // The connections the CLI kept alive ended with it: no ssh of ours is left running.
      expect(spawnSync('pgrep', ['-f', `${alias} docker system dial-stdio`]).stdout.toString()).toBe('');
    } finally {
      spawnSync('bash', [sshd, 'down', dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);

  test('an engine that does not answer: DOCKER_UNREACHABLE naming it, at once away from CI, with how to wait for one still starting', async () => {
    const nowhere = 'tcp://10.250.77.1:2399'; // the test side of the veth: nothing listens there
    const result = await execa('node', [cli, 'up', 'redis', '--detach'], { reject: false, env: { DOCKER_HOST: nowhere, CI: '' } });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('DOCKER_UNREACHABLE');
    expect(result.stderr).toContain(`The Docker engine at ${nowhere} (DOCKER_HOST) is not reachable: nothing answers there (ECONNREFUSED). Start it or fix DOCKER_HOST`);
    expect(result.stderr).toContain('If it is still starting (a docker:dind service), SANDPIT_ENGINE_WAIT=60s waits for it.');
  });

  test("under CI, an engine still starting (its port refuses: a job's docker:dind service) is waited for, saying so; one that never starts is said after the wait", async () => {
    // The engine's port as a starting dind's is: refused, then, 2 s later, answering (a forwarder to the engine
    // opens on it; restarting the engine itself cost 20 s). `ls` needs nothing but the engine's API.
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const engine = new URL(uri);
    const forwarder = net.createServer((socket) => {
      const upstream = net.connect(Number(engine.port), engine.hostname);
      for (const end of [socket, upstream]) end.on('error', () => (socket.destroy(), upstream.destroy()));
      socket.pipe(upstream).pipe(socket);
    });
    const starting = `tcp://127.0.0.1:${port}`;
    const ls = track(execa('node', [cli, 'ls'], { reject: false, env: { DOCKER_HOST: starting, CI: 'true' } }));
    try {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(ls.exitCode).toBeNull(); // it used to fail at once: DOCKER_UNREACHABLE
      forwarder.listen(port, '127.0.0.1');
      await once(forwarder, 'listening');
      const result = await ls;
      expect(result.stderr).toContain(`sandpit: waiting up to 30 s for the Docker engine at ${starting} to start: nothing answers there (ECONNREFUSED)`);
      expect(result.exitCode).toBe(0);
    } finally {
      forwarder.close();
    }

    const nowhere = 'tcp://10.250.77.1:2399';
    const never = await execa('node', [cli, 'ls'], { reject: false, env: { DOCKER_HOST: nowhere, CI: 'true', SANDPIT_ENGINE_WAIT: '2s' } });
    expect(never.exitCode).toBe(1);
    expect(never.stderr).toContain(`is not reachable: nothing answers there (ECONNREFUSED) (waited 2 s for it to start). Start it or fix DOCKER_HOST`);
  });
});

/**
 * The same engine restarted as docker:dind runs by default (TLS on 2376, client certificates), after the tests above:
 * through the CLI only (this file's library settled on the plain address). Last in the file: the restart stops
 * whatever ran there.
 */
const openssl = spawnSync('openssl', ['version']).status === 0;
(missing || !openssl ? describe.skip : describe)('a remote engine over TLS (docker:dind\'s default)', () => {
  let tlsUri = '';
  let certs = '';
  let env: Record<string, string | undefined> = {};
  const saved = { host: '', verify: process.env.DOCKER_TLS_VERIFY, certs: process.env.DOCKER_CERT_PATH };
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'sandpit-remote-tls-'));

  beforeAll(async () => {
    [tlsUri = '', certs = ''] = (await execa('bash', [script, 'tls'])).stdout.trim().split(' ');
    env = { DOCKER_HOST: tlsUri, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs, NO_COLOR: '1' };
    // This process's docker CLI (containersWith) asks the TLS engine too.
    saved.host = process.env.DOCKER_HOST ?? '';
    Object.assign(process.env, { DOCKER_HOST: tlsUri, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });
  }, 120_000);

  afterAll(() => {
    process.env.DOCKER_HOST = saved.host;
    for (const [key, value] of [['DOCKER_TLS_VERIFY', saved.verify], ['DOCKER_CERT_PATH', saved.certs]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  test('with the client certificates: up -d, exec, a copied site, doctor, down; a killed foreground up leaves nothing', async () => {
    const site = mkdtempSync(path.join(scratch, 'site-'));
    chmodSync(site, 0o755);
    writeFileSync(path.join(site, 'hello.txt'), 'over TLS\n');
    const name = `tlsweb${process.pid}`;
    const up = await execa('node', [cli, 'up', 'httpd', '--detach', '--json', '--name', name, '--root', site], { reject: false, env });
    expect({ exitCode: up.exitCode, stderr: up.stderr }).toEqual({ exitCode: 0, stderr: expect.any(String) });
    const [service] = JSON.parse(up.stdout) as { url: string }[];
    expect(await (await fetch(new URL('hello.txt', service!.url))).text()).toBe('over TLS\n');
    expect(await execa('node', [cli, 'exec', name, '--', 'cat', '/usr/local/apache2/htdocs/hello.txt'], { reject: false, env })).toMatchObject({ exitCode: 0, stdout: 'over TLS' });
    const doctor = await execa('node', [cli, 'doctor'], { reject: false, env });
    expect(doctor.stdout).toContain(`engine reachable at ${tlsUri} (remote, DOCKER_HOST)`);
    expect(doctor.stdout).toContain(`✓ ${tlsUri}  DOCKER_HOST: answers (TLS)`);
    expect(await execa('node', [cli, 'down', name], { reject: false, env })).toMatchObject({ exitCode: 0 });
    expect(await containersWith(`sandpit.name=${name}`)).toEqual([]);

    // The watchdog reaches the engine with the same certificates (it inherits the choice).
    const killed = `tlskilled${process.pid}`;
    const foreground = track(execa('node', [cli, 'up', 'redis', '--name', killed], { reject: false, all: true, env }));
    let said = '';
    foreground.all!.on('data', (chunk: Buffer) => (said += chunk.toString()));
    expect(await eventually(async () => said.includes('Ctrl-C'), 60_000)).toBe(true);
    foreground.kill('SIGKILL');
    await foreground;
    expect(await eventually(async () => (await containersWith(`sandpit.name=${killed}`)).length === 0, 20_000)).toBe(true);
  }, 120_000);

  test('each way TLS can be wrong is said with what to fix, not "nothing answers there" or "not a Docker engine"', async () => {
    const ip = new URL(tlsUri).hostname;
    const said = async (extra: Record<string, string | undefined>) => {
      const result = await execa('node', [cli, 'ls'], { reject: false, env: { ...env, ...extra } });
      expect(result.exitCode).toBe(1);
      return result.stderr.split('\n')[0];
    };
    // Certificates as a mistake makes them: another CA's (a dind restarted without its kept /certs), a client
    // certificate the engine's CA never signed.
    const folder = (name: string) => mkdtempSync(path.join(scratch, `${name}-`));
    const ssl = (dir: string, ...args: string[]) => execa('openssl', args, { cwd: dir });
    const otherCa = folder('other-ca');
    await ssl(otherCa, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=other', '-keyout', 'ca-key.pem', '-out', 'ca.pem');
    const wrongCa = folder('wrong-ca');
    for (const file of ['cert.pem', 'key.pem']) writeFileSync(path.join(wrongCa, file), readFileSync(path.join(certs, file)));
    writeFileSync(path.join(wrongCa, 'ca.pem'), readFileSync(path.join(otherCa, 'ca.pem')));
    const strangerClient = folder('stranger');
    writeFileSync(path.join(strangerClient, 'ca.pem'), readFileSync(path.join(certs, 'ca.pem')));
    writeFileSync(path.join(strangerClient, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
    await ssl(strangerClient, 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=stranger', '-keyout', 'key.pem', '-out', 'client.csr');
    await ssl(strangerClient, 'x509', '-req', '-in', 'client.csr', '-CA', path.join(otherCa, 'ca.pem'), '-CAkey', path.join(otherCa, 'ca-key.pem'), '-CAcreateserial', '-days', '1', '-extfile', 'client.ext', '-out', 'cert.pem');

    // TLS off here, on there: Go's "HTTP request to an HTTPS server" read "a server answered HTTP 400 to /_ping: not a Docker engine".
    expect(await said({ DOCKER_TLS_VERIFY: undefined, DOCKER_CERT_PATH: undefined })).toBe(
      `sandpit: The Docker engine at ${tlsUri} (DOCKER_HOST) is not reachable: speaks TLS (it answered "Client sent an HTTP request to an HTTPS server"). Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder of the engine's client ca.pem, cert.pem and key.pem (docker:dind writes them to /certs/client: share that volume with the job); try \`sandpit doctor\`. (DOCKER_UNREACHABLE)`,
    );
    // dind's plain port, where only its TLS one listens.
    expect(await said({ DOCKER_HOST: `tcp://${ip}:2375`, DOCKER_TLS_VERIFY: undefined, DOCKER_CERT_PATH: undefined })).toContain(
      `is not reachable: ECONNREFUSED; port 2376 listens (TLS, docker:dind's default). Use that port: DOCKER_HOST=tcp://${ip}:2376, and set DOCKER_TLS_VERIFY=1`,
    );
    // Each of these read "nothing answers there".
    expect(await said({ DOCKER_CERT_PATH: wrongCa })).toContain(`is not reachable: its certificate is not signed by the CA in ${wrongCa}/ca.pem (UNABLE_TO_VERIFY_LEAF_SIGNATURE). Put the ca.pem of the engine's own certificates in ${wrongCa}`);
    expect(await said({ DOCKER_CERT_PATH: strangerClient })).toContain(`is not reachable: it refused this client's certificate, ${strangerClient}/cert.pem (`);
    // Reached through another address than its certificate names (a forwarder on this machine's loopback).
    const forwarder = net.createServer((socket) => {
      const upstream = net.connect(2376, ip);
      for (const end of [socket, upstream]) end.on('error', () => (socket.destroy(), upstream.destroy()));
      socket.pipe(upstream).pipe(socket);
    });
    forwarder.listen(0, '127.0.0.1');
    await once(forwarder, 'listening');
    try {
      const port = (forwarder.address() as net.AddressInfo).port;
      expect(await said({ DOCKER_HOST: `tcp://127.0.0.1:${port}` })).toContain(`is not reachable: its certificate is not for 127.0.0.1 (`);
    } finally {
      forwarder.close();
    }
    // TLS on here, off there (a plain HTTP server stands in for dind with DOCKER_TLS_CERTDIR="").
    const plain = net.createServer((socket) => socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n'));
    plain.listen(0, '127.0.0.1');
    await once(plain, 'listening');
    try {
      const port = (plain.address() as net.AddressInfo).port;
      expect(await said({ DOCKER_HOST: `tcp://127.0.0.1:${port}` })).toContain('is not reachable: it speaks plain HTTP, not TLS. Turn TLS off for it (unset DOCKER_TLS_VERIFY');
    } finally {
      plain.close();
    }
    const doctor = await execa('node', [cli, 'doctor'], { reject: false, env: { ...env, DOCKER_CERT_PATH: wrongCa } });
    expect(doctor.exitCode).not.toBe(0);
    expect(doctor.stdout).toContain(`· ${tlsUri}  DOCKER_HOST: its certificate is not signed by the CA in ${wrongCa}/ca.pem`);
    expect(doctor.stdout).toContain(`fix: Put the ca.pem of the engine's own certificates in ${wrongCa}`);
  }, 120_000);

  test("under CI, client certificates docker:dind has not written yet are waited for; the job goes on once they are there", async () => {
    const later = mkdtempSync(path.join(scratch, 'later-'));
    const ls = track(execa('node', [cli, 'ls'], { reject: false, env: { ...env, DOCKER_CERT_PATH: later, CI: 'true' } }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(path.join(later, file), readFileSync(path.join(certs, file)));
    const result = await ls;
    expect(result.stderr).toContain(`sandpit: waiting up to 30 s for the Docker engine at ${tlsUri} to start: TLS is on (DOCKER_TLS_VERIFY) but ca.pem, cert.pem, key.pem are not in ${later}`);
    expect(result.exitCode).toBe(0);
  });
});
