import { afterAll, describe, expect, test } from '@jest/globals';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { createConnection } from 'mysql2/promise';
import { createClient } from '@redis/client';
import { start } from '../../lib/index.js';
import { mysqlLogin } from '../../lib/readiness/mysql-login.js';
import { sessionId } from '../../lib/cleanup/labels.js';
import { presetImage } from '../helpers/images.js';
import { containersWith, inspect } from '../helpers/engine.js';
import { tempFolder } from '../helpers/temp.js';

const scratch = tempFolder('test');
chmodSync(scratch, 0o755); // mkdtemp makes it 0700; Apache in the container reads as another user

afterAll(async () => {
  expect(await containersWith(`sandpit.session=${sessionId}`)).toEqual([]);
});

describe('redis', () => {
  test('answers SET/GET at its url, published on 127.0.0.1 only', async () => {
    await using redis = await start('redis');
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    const client = await createClient({ url: redis.url }).connect();
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    client.destroy();
    const info = await inspect(redis.containerId);
    expect(info.HostConfig.PortBindings['6379/tcp'][0].HostIp).toBe('127.0.0.1');
    expect(info.Config.Labels).toMatchObject({ sandpit: 'true', 'sandpit.name': 'redis', 'sandpit.preset': 'redis', 'sandpit.session': sessionId });
  });

  test("serverArgs: redis-server's own flags, after sandpit's", async () => {
    await using cache = await start({ preset: 'redis', serverArgs: ['--maxmemory', '64mb'] });
    expect((await cache.exec(['redis-cli', 'config', 'get', 'maxmemory'])).stdout).toBe('maxmemory\n67108864\n');
  });

  test('with a password: the url carries it and AUTH is required', async () => {
    await using redis = await start({ preset: 'redis', name: 'cache', password: 's3cret' });
    expect(redis.name).toBe('cache');
    expect(redis.url).toBe(`redis://:s3cret@127.0.0.1:${redis.port}`);
    const client = await createClient({ url: redis.url }).connect();
    expect(await client.ping()).toBe('PONG');
    client.destroy();
    const anonymous = createClient({ socket: { host: redis.host, port: redis.port, reconnectStrategy: false } });
    anonymous.on('error', () => {});
    await expect(anonymous.connect().then(() => anonymous.ping())).rejects.toThrow(/NOAUTH/);
    anonymous.destroy();
  });
});

describe('httpd', () => {
  test('serves a local folder read-only at its url', async () => {
    writeFileSync(path.join(scratch, 'hello.txt'), 'hello from the host\n');
    await using site = await start({ preset: 'httpd', root: scratch });
    expect(site.url).toBe(`http://127.0.0.1:${site.port}/`);
    const response = await fetch(new URL('hello.txt', site.url));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello from the host\n');
    const touch = await site.exec(['sh', '-c', 'touch /usr/local/apache2/htdocs/x']);
    expect(touch.exitCode).not.toBe(0);
  });

  test('a 0700 folder from mkdtempSync is served: as its owner when not root, from a copy (said so) when root owns it', async () => {
    // The 0700 folder of a non-root user: the workers run as that uid, so later edits show.
    const theirs = tempFolder('0700');
    writeFileSync(path.join(theirs, 'a.txt'), 'theirs\n');
    chownSync(theirs, 4321, 4321);
    chownSync(path.join(theirs, 'a.txt'), 4321, 4321);
    await using site = await start({ preset: 'httpd', root: theirs });
    expect(await (await fetch(new URL('a.txt', site.url))).text()).toBe('theirs\n');
    writeFileSync(path.join(theirs, 'later.txt'), 'live\n', { mode: 0o600 });
    chownSync(path.join(theirs, 'later.txt'), 4321, 4321);
    expect(await (await fetch(new URL('later.txt', site.url))).text()).toBe('live\n');
    // The workers are that user, not root: a file only root may read stays closed.
    writeFileSync(path.join(theirs, 'roots.txt'), 'no\n', { mode: 0o600 });
    expect((await fetch(new URL('roots.txt', site.url))).status).toBe(403);

    if (process.getuid?.() !== 0) return; // a folder owned by root needs a root test run
    const mine = tempFolder('0700');
    mkdirSync(path.join(mine, 'sub'));
    writeFileSync(path.join(mine, 'sub', 'b.bin'), Buffer.from([0, 255, 1]), { mode: 0o600 });
    const notices: string[] = [];
    await using copy = await start({ preset: 'httpd', root: mine, onProgress: (e) => e.notice && notices.push(e.message) });
    const response = await fetch(new URL('sub/b.bin', copy.url));
    expect(response.status).toBe(200);
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 255, 1]);
    expect(notices.join('\n')).toContain(`root ${mine} (mode 0700, owner uid 0 gid 0)`);
  });

  test('a root the server still cannot read answers 403: the start fails at once, naming the folder, its mode and owner', async () => {
    const closed = tempFolder('closed');
    writeFileSync(path.join(closed, 'index.html'), 'hi\n', { mode: 0o000 });
    chownSync(closed, 4321, 4321);
    chownSync(path.join(closed, 'index.html'), 4321, 4321);
    const error = await start({ preset: 'httpd', root: closed }).then(
      () => undefined,
      (e: { code: string; message: string }) => e,
    );
    expect(error?.code).toBe('NOT_READY');
    expect(error?.message).toContain(`httpd: root ${closed} (mode 0700, owner uid 4321 gid 4321) answers 403 Forbidden`);
  });

  test('without a root it serves a generated index page', async () => {
    await using site = await start('httpd');
    const response = await fetch(site.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('sandpit httpd');
  });
});

describe('mysql', () => {
  test('defaults: database test, user test, random passwords, url that connects', async () => {
    await using db = await start('mysql');
    expect([db.user, db.database]).toEqual(['test', 'test']);
    expect(db.password).toMatch(/^[\w-]{12,}$/);
    expect(db.url).toBe(`mysql://test:${db.password}@127.0.0.1:${db.port}/test`);
    // Both accounts logged in once over TLS before ready (checked before any client here logs in): a
    // plain-TCP login takes caching_sha2_password's fast path, so clients that will not fetch the
    // server's RSA key (mysql2 ≥ 3.26) connect at once.
    for (const [user, password] of [[db.user, db.password], ['root', db.rootPassword]] as const) {
      expect(await mysqlLogin(db.host, db.port, user, password, { secure: false, timeoutMs: 5000 })).toBe('fast');
    }
    const connection = await createConnection(db.url);
    const [rows] = await connection.query(
      'SELECT DATABASE() AS db, CURRENT_USER() AS me, @@skip_name_resolve AS byAddress, @@host_cache_size AS hostCache, @@performance_schema AS monitoring, @@innodb_doublewrite AS doublewrite',
    );
    // The official image's settings: clients are not looked up in DNS (a stall wherever DNS is slow).
    // No performance_schema unless asked for: the server boots ~200 ms sooner; no doublewrite buffer,
    // which only guards against a power cut: ~40 ms.
    expect(rows).toEqual([{ db: 'test', me: 'test@%', byAddress: 1, hostCache: 0, monitoring: 0, doublewrite: 'OFF' }]);
    await connection.end();
    // Its passwords reached the server without a copy into the container before it started (an archive
    // the engine extracts, ~50 ms here): the container wrote them itself (lib/files/at-start.ts).
    const { stdout } = await execa('docker', ['events', '--since', String(Math.floor(Date.now() / 1000) - 120), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', `container=${db.containerId}`, '--format', '{{.Action}}']);
    expect(stdout.split('\n')).toEqual(expect.arrayContaining(['create', 'start']));
    expect(stdout).not.toContain('extract-to-dir');
    // exec() runs mysql logged in, as `sandpit exec` does: root by default, or the -u it names (a string
    // through sh -c too). It said "Access denied for user 'root'@'localhost' (using password: NO)" from a test.
    const who = async (command: string | string[]) => (await db.exec(command)).stdout.trim();
    expect(await who(['mysql', '-N', '-e', 'SELECT CURRENT_USER()'])).toBe('root@localhost');
    expect(await who('mysql -N -e "SELECT CURRENT_USER()"')).toBe('root@localhost');
    expect(await who("mysql -u test -N -e 'SELECT CURRENT_USER()'")).toBe('test@%');
    expect(await who(['mysql', '--user=test', '-N', '-e', 'SELECT CURRENT_USER()'])).toBe('test@%');
  });

  test('options and init scripts (files and inline SQL, in order) before ready', async () => {
    const schema = path.join(scratch, 'schema.sql');
    writeFileSync(schema, 'CREATE TABLE users (id INT PRIMARY KEY, name TEXT);\nINSERT INTO users VALUES (1, "ada");\n');
    await using db = await start({
      preset: 'mysql',
      database: 'app',
      user: 'appuser',
      password: 'pw',
      rootPassword: 'rootpw',
      initScripts: [schema, "INSERT INTO users VALUES (2, 'grace')"],
      performanceSchema: true,
      // A server flag of the project's own (LOAD DATA LOCAL INFILE for a CSV seed was refused without it).
      serverArgs: ['--local-infile=1'],
    });
    expect(db.url).toBe(`mysql://appuser:pw@127.0.0.1:${db.port}/app`);
    const connection = await createConnection(db.url);
    const [rows] = await connection.query('SELECT name FROM users ORDER BY id');
    expect(rows).toEqual([{ name: 'ada' }, { name: 'grace' }]);
    await connection.end();
    const root = await createConnection({ host: db.host, port: db.port, user: 'root', password: 'rootpw' });
    const [monitoring] = await root.query('SELECT @@performance_schema AS on_, @@local_infile AS local_files');
    expect(monitoring).toEqual([{ on_: 1, local_files: 1 }]);
    await root.end();
  });
});

describe('ubuntu', () => {
  test('runs commands; a mounted folder is at /work, where commands run', async () => {
    writeFileSync(path.join(scratch, 'note.txt'), 'mounted\n');
    await using box = await start({ preset: 'ubuntu', mount: scratch });
    expect(box.port).toBe(0);
    expect(await box.exec(['cat', 'note.txt'])).toEqual({ exitCode: 0, stdout: 'mounted\n', stderr: '' });
    const result = await box.exec(['sh', '-c', 'echo out; echo err >&2; echo made > /work/made.txt; exit 3']);
    expect(result).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(readFileSync(path.join(scratch, 'made.txt'), 'utf8')).toBe('made\n');
    const started = Date.now();
    await box.stop();
    expect(Date.now() - started).toBeLessThan(3000); // init process: no 10 s SIGTERM wait
  });
});

describe('handles', () => {
  test('logs() returns recent output; stop() is idempotent and removes the container', async () => {
    const redis = await start('redis');
    expect(await redis.logs()).toMatch(/Ready to accept connections/);
    await Promise.all([redis.stop(), redis.stop()]);
    await redis.stop();
    expect(await containersWith(`sandpit.session=${sessionId}`)).toEqual([]);
  });

  test('four presets start in parallel', async () => {
    const services = await Promise.all((['redis', 'mysql', 'httpd', 'ubuntu'] as const).map((p) => start(p)));
    try {
      expect(new Set(services.map((s) => s.port)).size).toBe(4);
    } finally {
      await Promise.all(services.map((s) => s.stop()));
    }
  });

  test('a custom image: ports, env, command, and an http or log ready check', async () => {
    const httpdImage = await presetImage('httpd');
    await using web = await start({ image: httpdImage, name: 'web', ports: [80], ready: { http: '/' } });
    expect(web.preset).toBe('custom');
    expect(web.url).toBe(`http://127.0.0.1:${web.port}/`);
    expect((await fetch(web.url)).status).toBe(200);

    const shellImage = await presetImage('ubuntu');
    await using worker = await start({
      image: shellImage,
      name: 'worker',
      env: { GREETING: 'hello' },
      command: ['sh', '-c', 'echo "started $GREETING"; exec sleep infinity'],
      ready: { log: 'started hello' },
    });
    expect((await worker.exec(['printenv', 'GREETING'])).stdout).toBe('hello\n');
  });

  test('a custom ready check as testcontainers means it: a log line 5000 lines back; a health path past its 503s', async () => {
    const shellImage = await presetImage('ubuntu');
    // Only the last 200 lines were read: NOT_READY "no log line matches", for a server that had said it.
    await using chatty = await start({ image: shellImage, command: ['sh', '-c', 'echo "server started"; seq 5000; exec sleep infinity'], ready: { log: 'server started' } });
    expect((await chatty.exec(['echo', 'ok'])).stdout).toBe('ok\n');
    // Said after the first tries read 5000 lines, and a pattern over two sightings a second apart (a server's "ready"
    // during init, then again when it serves): later tries read on from where the first left off, and match on all.
    const late = 'seq 5000; sleep 1; echo "ready for connections"; sleep 1; echo "ready for connections"; exec sleep infinity';
    await using twice = await start({ image: shellImage, command: ['sh', '-c', late], ready: { log: /ready for connections[\s\S]*ready for connections/ } });
    expect((await twice.logs({ tail: 2 })).trim().split('\n')).toEqual(['ready for connections', 'ready for connections']);

    // A health path answering 503 for its first 2 s (perl-base, in every Debian image): "ready" at the first 503.
    const server = `use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalPort => 8080, Listen => 5, ReuseAddr => 1) or die; my $t = time;
      while (my $c = $s->accept) { while (<$c>) { last if /^\\r?$/ } my $st = time - $t < 2 ? '503 Service Unavailable' : '200 OK'; print $c "HTTP/1.0 $st\\r\\nContent-Length: 2\\r\\n\\r\\nok"; close $c }`;
    await using app = await start({ image: shellImage, command: ['perl', '-e', server], ports: [8080], ready: { http: '/health' } });
    expect((await fetch(new URL('health', app.url))).status).toBe(200);
  });
});

/** The image the preset runs on this machine (offline-built here: no registry). */
