import { afterAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { start, startAll as publicStartAll } from '../../lib/index.js';
import { sessionId } from '../../lib/cleanup/labels.js';
import { presetImage } from '../helpers/images.js';
import { containersWith } from '../helpers/engine.js';
import { failure } from '../helpers/failure.js';

// ssh:// runs the machine's OpenSSH client, which CI's test tools install (scripts/test-tools.sh).
const hasSsh = spawnSync('sh', ['-c', 'command -v ssh']).status === 0;

afterAll(async () => {
  // Every failed start below removed whatever it had created.
  expect(await containersWith(`sandpit.session=${sessionId}`)).toEqual([]);
});

describe('errors say what is wrong and how to fix it', () => {
  test('UNKNOWN_PRESET lists the presets and suggests the closest', async () => {
    const error = await failure(start('rdis' as 'redis'));
    expect(error.code).toBe('UNKNOWN_PRESET');
    expect(error.message).toBe(
      'Unknown preset "rdis". Did you mean "redis"? Presets: httpd, mysql, redis, ubuntu (or give an image for a custom service).',
    );
  });

  test('start() with a second argument (plain JavaScript) is INVALID_OPTION, not its options dropped', async () => {
    const error = await failure((start as (...args: unknown[]) => Promise<unknown>)('redis', { port: 'x' }));
    expect([error.code, error.message]).toEqual(['INVALID_OPTION', "start() takes one argument: put the options with the preset, start({ preset: 'redis', ...options })."]);
    // map(start) passes an index and the array: still a start of each (an unknown preset here, so no container).
    const mapped = await failure(Promise.all((['nosuchpreset'] as never[]).map(start)));
    expect(mapped.code).toBe('UNKNOWN_PRESET');
  });

  test.each([
    [{ preset: 'redis', pasword: 'x' }, /Unknown option "pasword" for redis\. Did you mean "password"\?/],
    [{ preset: 'redis', root: '.' }, /^Unknown option "root" for redis\. It is an option of httpd\. Options: /], // not 'Did you mean "port"?'
    [{ preset: 'mysql', databases: 'app' }, /^Unknown option "databases" for mysql\. Did you mean "database"\?/], // a slip, though redis has databases
    [{ preset: 'redis', port: 70000 }, /Invalid port: 70000\. Expected a port number 1-65535, or 'standard'/],
    [{ preset: 'redis', port: 'auto' }, /Invalid port: "auto"/],
    [{ preset: 'mysql', initScripts: 'schema.sql' }, /Invalid mysql: initScripts: "schema.sql"\. Expected a list of strings/],
    [{ preset: 'mysql', user: 'root' }, /mysql: user "root" is not allowed/],
    // MySQL's user names stop at 32 characters: the server refused a longer one only at init (NOT_READY).
    [{ preset: 'mysql', user: 'u'.repeat(33) }, /^mysql: user "u{33}" is not allowed: use 1-32 letters, digits or _, not root/],
    [{ preset: 'mysql', database: 'd'.repeat(65) }, /^mysql: database "d{65}" is not allowed: use 1-64 letters, digits or _\./],
    // Dropped without a word before: a box on no port, the generated page instead of a folder, no mount.
    [{ preset: 'ubuntu', port: 5000 }, /^ubuntu: port 5000 has nothing to publish: the ubuntu preset serves no port; leave port out \(reach it with exec\)\.$/],
    [{ image: 'busybox:1', port: 'standard' }, /^custom: port standard has nothing to publish: this image lists no ports; give ports: \[N\]/],
    [{ preset: 'httpd', root: '' }, /^httpd: root is empty\. Point root \(on the command line --root\) at an existing folder, or leave it out\.$/],
    [{ preset: 'ubuntu', mount: ' ' }, /^ubuntu: mount is empty\./],
    [{ preset: 'redis', name: 'no spaces' }, /Invalid name: "no spaces"/],
    // The rule in full: a long name or a leading - read as if it were allowed.
    [{ preset: 'redis', name: `n${'x'.repeat(63)}` }, /^Invalid name: "nx{63}"\. Expected up to 63 letters, digits, - and _, starting with a letter or digit/],
    [{ preset: 'redis', name: '-x' }, /^Invalid name: "-x"\. Expected up to 63 .*starting with a letter or digit/],
    [{ preset: 'redis', bindAddress: 'everywhere' }, /Invalid bindAddress: "everywhere"/],
    [{ preset: 'redis', startupTimeout: -1 }, /Invalid startupTimeout: -1/],
    [{ preset: 'redis', startupTimeout: Number.NaN }, /^Invalid startupTimeout: NaN\./], // what `--timeout abc` and the like arrive as; it read "null"
    [{ preset: 'redis', databases: Number.NaN }, /^Invalid redis: databases: NaN\. Expected a number\./],
    [{ preset: 'httpd', root: './no/such/folder' }, /httpd: root "\.\/no\/such\/folder" does not exist \(.*no\/such\/folder\)\. Point root \(on the command line --root\) at an existing folder\./],
    [{ preset: 'mysql', initScripts: ['./missing.sql'] }, /mysql: init script "\.\/missing\.sql" cannot be read/],
    [{ image: 'x', ready: { smoke: true } }, /Invalid ready/],
    [{ image: 'x', ready: { http: '/' } }, /ready\.http needs a port to check: add ports: \[N\]/],
    [{}, /Say what to start: a preset/],
    [{ image: 'Not A::Valid Ref' }, /Invalid image: "Not A::Valid Ref"\. Expected an image reference/],
    [{ preset: 'redis', image: 'Redis:7' }, /Invalid image: "Redis:7"/],
  ])('INVALID_OPTION for %j', async (options, message) => {
    const error = await failure(start(options as never));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toMatch(message);
  });

  test('NOT_RUNNING from exec() and logs() once the container was paused, killed or removed: what happened, not HTTP 409', async () => {
    const box = await start({ preset: 'redis', name: 'doomed' });
    try {
      await execa('docker', ['pause', box.containerId]);
      const paused = await failure(box.exec(['true']));
      expect([paused.code, paused.message]).toEqual(['NOT_RUNNING', expect.stringMatching(/^doomed: its container is paused\. Resume it with `docker unpause [0-9a-f]{12}`/)]);
      await execa('docker', ['unpause', box.containerId]);
      await execa('docker', ['kill', box.containerId]);
      const killed = await failure(box.exec(['true']));
      expect(killed.code).toBe('NOT_RUNNING');
      expect(killed.message).toMatch(/^doomed: it is no longer running \(exit code 137\)\..*\nLast 10 log lines of doomed:\n(.|\n)*Ready to accept connections/);
      await execa('docker', ['rm', '-f', box.containerId]);
      for (const call of [box.exec(['true']), box.logs()]) {
        const gone = await failure(call);
        expect([gone.code, gone.message]).toEqual(['NOT_RUNNING', `doomed: its container ${box.containerId.slice(0, 12)} was removed. Start the service again.`]);
      }
    } finally {
      await box.stop();
    }
  });

  test("a named service's option error names the service, as its start's errors do (it said 'httpd:')", async () => {
    const error = await failure(start({ preset: 'httpd', name: 'site', root: './no/such/dir' }));
    expect([error.code, error.stage, error.message]).toEqual(['INVALID_OPTION', 'config', expect.stringMatching(/^site \(httpd\): root "\.\/no\/such\/dir" does not exist /)]);
  });

  test('PORT_IN_USE names the port, before any container exists', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const error = await failure(start({ preset: 'redis', port }));
      expect(error.code).toBe('PORT_IN_USE');
      expect(error.message).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      server.close();
    }
  });

  test('PORT_IN_USE names the sandpit service that holds the port, and how it goes away', async () => {
    const free = async () => {
      const server = net.createServer().listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as net.AddressInfo;
      await new Promise((resolve) => server.close(resolve));
      return port;
    };
    const [left, ours] = [await free(), await free()];
    await using detached = await start({ preset: 'redis', name: 'holder', port: left, detached: true });
    await using mine = await start({ preset: 'redis', name: 'mine', port: ours });
    expect([detached.port, mine.port]).toEqual([left, ours]);
    const taken = await failure(start({ preset: 'redis', port: left }));
    expect([taken.code, taken.message]).toEqual([
      'PORT_IN_USE',
      `redis: port ${left} on 127.0.0.1 is already in use: the sandpit service "holder" holds it (left running by \`sandpit up --detach\`; \`sandpit down holder\` removes it). Free it, pick another (port: N; on the command line --port N), or leave port unset for a free one.`,
    ]);
    expect((await failure(start({ preset: 'redis', port: ours }))).message).toContain(
      `port ${ours} on 127.0.0.1 is already in use: the sandpit service "mine" holds it (started earlier by this same process).`,
    );
  });

  test('IMAGE_UNAVAILABLE names the image when it is neither local nor pullable', async () => {
    const error = await failure(start({ preset: 'redis', name: 'cache', image: 'sandpit-test/no-such-image:1' }));
    expect(error.code).toBe('IMAGE_UNAVAILABLE');
    expect(error.message).toContain('sandpit-test/no-such-image:1');
    expect([error.service, error.stage]).toEqual(['cache', 'pull']);
  });

  test('NOT_READY on timeout: names the service, the stage, the last check, and the logs', async () => {
    const error = await failure(
      start({
        image: await presetImage('ubuntu'),
        name: 'slow',
        command: ['sh', '-c', 'echo booting; exec sleep infinity'],
        ready: { log: 'never printed' },
        startupTimeout: 1500,
      }),
    );
    expect(error.code).toBe('NOT_READY');
    expect([error.service, error.stage]).toEqual(['slow', 'ready']);
    expect(error.message.split('\n')[0]).toBe(
      'slow: not ready after 1.5 s (last check: no log line matches /never printed/). If it is only slow, allow it longer: startupTimeout in ms (on the command line --timeout; SANDPIT_STARTUP_TIMEOUT, e.g. 90s, for every start)',
    );
    expect(error.message).toMatch(/Last 20 log lines of slow:\nbooting/);
  });

  test('NOT_READY when the container exits: says so at once, with its last log lines', async () => {
    const started = Date.now();
    const error = await failure(
      start({ image: await presetImage('ubuntu'), name: 'dies', command: ['sh', '-c', 'echo dying; exit 3'], ready: { command: ['false'] } }),
    );
    expect(Date.now() - started).toBeLessThan(10_000); // not the 60 s timeout
    expect(error.code).toBe('NOT_READY');
    expect(error.message).toMatch(/^dies: the container exited with code 3/);
    expect(error.logs).toContain('dying');
  });

  test("a label in sandpit's own namespace is refused before anything starts: sandpit.session made a container nothing would remove", async () => {
    for (const starting of [() => start({ preset: 'redis', name: 'ownlabel', labels: { 'sandpit.session': 'mine' } }), () => publicStartAll([{ preset: 'redis', name: 'ownlabel', labels: { sandpit: 'x' } }])]) {
      const error = await failure(starting());
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toMatch(/^Label sandpit(\.session)? is sandpit's own \(it decides who removes the container, and when\): give your labels another prefix, such as myapp\./);
    }
    expect(await containersWith('sandpit.name=ownlabel')).toEqual([]);
  });

  test("a bindAddress the engine's machine does not have: INVALID_OPTION saying what to give, not NOT_READY in the engine's words", async () => {
    const error = await failure(start({ preset: 'redis', name: 'badaddr', bindAddress: '10.99.99.99' }));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toMatch(/^badaddr: bindAddress 10\.99\.99\.99 is not an address of the engine's machine: give one of its addresses, or leave bindAddress unset\. \(.*cannot assign requested address/);
    expect(await containersWith('sandpit.name=badaddr')).toEqual([]);
  });

  test("a preset's image option naming another preset's image: the engine's words, then what to give", async () => {
    const error = await failure(start({ preset: 'redis', name: 'wrongimage', image: await presetImage('httpd') }));
    expect(error.code).toBe('NOT_READY');
    expect(error.message.split('\n')[0]).toMatch(
      /^wrongimage: failed at start: .*executable file not found.*\. The image sandpit-offline\/httpd:\S+ lacks what the redis preset runs: give an image of redis \(or leave the image option out\)$/,
    );
    expect(await containersWith('sandpit.name=wrongimage')).toEqual([]);
  });

  test('INIT_SCRIPT_FAILED carries the SQL error and the file name', async () => {
    const error = await failure(start({ preset: 'mysql', initScripts: ['CREATE TABLE ok (id INT);', 'SELEC nonsense'] }));
    expect(error.code).toBe('INIT_SCRIPT_FAILED');
    expect(error.message).toMatch(/^mysql: init script #2 \(inline SQL\) failed: ERROR 1064 \(42000\) at line 1: .*SQL syntax/);
    // Its last log lines are the server's own, not the NUMA warnings each mysqld start says in a container.
    expect(error.message).toMatch(/Last 20 log lines of mysql:/);
    expect(error.message).not.toMatch(/mempolicy|NUMA memory policy/);
  });

  test('DOCKER_UNREACHABLE within 3 s, naming what was tried', async () => {
    const script = fileURLToPath(new URL('../fixtures/unreachable.mjs', import.meta.url));
    const started = Date.now();
    const { stdout } = await execa('node', [script], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(Date.now() - started).toBeLessThan(5000); // 3 s budget plus node's own start-up
    const { code, message, took } = JSON.parse(stdout);
    expect(code).toBe('DOCKER_UNREACHABLE');
    expect(took).toBeLessThan(3000);
    // The user named one engine: the message is about that one, and why it does not answer.
    expect(message).toMatch(/^The Docker engine at unix:\/\/\/nonexistent\/docker\.sock \(DOCKER_HOST\) is not reachable: no socket file there\. Start it or fix DOCKER_HOST/);
    expect(message).toContain('sandpit doctor');
  });

  (hasSsh ? test : test.skip)('DOCKER_UNREACHABLE over ssh://: ssh\'s own words, and what must work', async () => {
    // A server that drops the connection after its banner (sshd's start-up throttling, a killed
    // pre-auth child): it once left requests waiting for ever.
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.write('SSH-2.0-OpenSSH_9.2p1\r\n');
      socket.once('data', () => socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const script = fileURLToPath(new URL('../fixtures/unreachable.mjs', import.meta.url));
      const port = (server.address() as net.AddressInfo).port;
      const uri = `ssh://root@127.0.0.1:${port}`;
      const { stdout } = await execa('node', [script], { env: { DOCKER_HOST: uri }, timeout: 20_000 });
      const { code, message } = JSON.parse(stdout);
      expect(code).toBe('DOCKER_UNREACHABLE');
      const command = `ssh -l root -p ${port} -- 127.0.0.1`;
      expect(message).toContain(`The Docker engine at ${uri} (DOCKER_HOST) is not reachable: \`${command}\` ended (exit 255): `);
      // ssh says "closed" or "reset", as the drop reaches it (a run with two Jest workers saw "reset").
      expect(message).toMatch(new RegExp(`Connection (closed|reset) by 127\\.0\\.0\\.1 port ${port}; \`${command} docker version\` must work without a prompt`));
    } finally {
      server.close();
    }
  });

  test('DOCKER_UNREACHABLE over ssh:// without an ssh command: it says what to install', async () => {
    const script = fileURLToPath(new URL('../fixtures/unreachable.mjs', import.meta.url));
    const { stdout } = await execa(process.execPath, [script], { env: { DOCKER_HOST: 'ssh://root@127.0.0.1:1', PATH: '/nonexistent' }, extendEnv: false, timeout: 20_000 });
    const { code, message } = JSON.parse(stdout);
    expect(code).toBe('DOCKER_UNREACHABLE');
    expect(message).toContain("not reachable: ssh:// engines need the `ssh` command (OpenSSH's client) on PATH");
  });
});
