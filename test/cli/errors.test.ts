import { beforeAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import http from 'node:http';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { containersWith } from '../helpers/engine.js';
import { firstLine, main, sandpit, ensureImages, expectExit } from './run.js';
import { tempFolder } from '../helpers/temp.js';

beforeAll(ensureImages, 600_000);

const folder = tempFolder('errors');
writeFileSync(path.join(folder, 'bad.sql'), 'CREATE TABLE (;\n');
mkdirSync(path.join(folder, 'somefolder'));
// Another program's .env: its settings are not sandpit's to write over.
writeFileSync(path.join(folder, 'theirs.env'), 'MINE=1\nexport TOKEN=x\n');

// Refused before any container starts: they run against the real engine and against none.
const beforeAnyStart: [string[], RegExp][] = [
  [['shell', '--user', '4294967296:5', '--', 'id'], /^sandpit: Invalid --user "4294967296:5"\. Give root, or a uid\[:gid\] with each in 0-4294967294, .*\(INVALID_OPTION\)$/],
  [['shell', '--user', '1000:4294967295', '--', 'id'], /^sandpit: Invalid --user "1000:4294967295"\. .*\(INVALID_OPTION\)$/],
  // --env-file is another name of --env-out: the message names the one typed.
  [['up', '-d', 'redis', '--env-out', 'somefolder'], /^sandpit: Cannot write --env-out "somefolder": it is a folder\. Give a file path, such as somefolder\/\.env\. \(INVALID_OPTION\)$/],
  [['up', '-d', 'redis', '--env-file', 'somefolder'], /^sandpit: Cannot write --env-file "somefolder": it is a folder\. .*\(INVALID_OPTION\)$/],
  [['up', '-d', 'redis', '--env-out='], /^sandpit: Cannot write --env-out "": the path is empty\. .*\(INVALID_OPTION\)$/],
  [['up', '-d', 'redis', '--env-out', 'theirs.env'], /^sandpit: Cannot write --env-out "theirs\.env": it holds MINE, TOKEN, which writing it would erase\. Give a file of sandpit's own, such as \.env\.sandpit, or remove that one\. \(INVALID_OPTION\)$/],
  [['up', 'redis', 'redis'], /^sandpit: Two services are named "redis"\. .*on the command line one `sandpit up redis --name …` per service\. \(INVALID_OPTION\)$/],
  [['up', 'httpd', '--root', ''], /^sandpit: httpd: root is empty\. .*\(INVALID_OPTION\)$/],
  [['up', 'ubuntu', '--port', '5000'], /^sandpit: ubuntu: port 5000 has nothing to publish: .*\(INVALID_OPTION\)$/],
  // yargs makes the two a list: it was an unexpected TypeError.
  [['up', '-d', 'redis', '--env-out', 'a.env', '--env-file', 'b.env'], /^sandpit: --env-out\/--env-file was given 2 times; give it once\. \(INVALID_OPTION\)$/],
];

describe('bad input: one line, the right exit code, nothing left behind', () => {
  test.each([
    ...beforeAnyStart,
    // No "(or give an image…)": the CLI cannot start an image alone.
    [['up', 'nosuch'], /^sandpit: Unknown preset "nosuch"\. Presets: httpd, mysql, redis, ubuntu\. \(UNKNOWN_PRESET\)$/],
    [['up', 'rediss'], /^sandpit: Unknown preset "rediss"\. Did you mean "redis"\?.*\(UNKNOWN_PRESET\)$/],
    [['up', 'redis', '--port', '99999'], /^sandpit: Invalid --port "99999"\. Use a port number 1-65535, or 'standard'\. \(INVALID_OPTION\)$/],
    [['up', 'redis', '--port', 'abc'], /^sandpit: Invalid --port "abc"\. .*\(INVALID_OPTION\)$/],
    [['up', 'redis', '--timeout', 'soon'], /^sandpit: Invalid --timeout "soon"\. Give milliseconds, or seconds with an s suffix: .*\(INVALID_OPTION\)$/],
    [['up', 'httpd', '--root', './no/such/dir'], /^sandpit: httpd: root "\.\/no\/such\/dir" does not exist .*\(INVALID_OPTION\)$/],
    // A named service is named, as its start's own errors name it (before the start: the CLI's check).
    [['up', 'httpd', '--name', 'site', '--root', './no/such/dir'], /^sandpit: site \(httpd\): root "\.\/no\/such\/dir" does not exist .*\(INVALID_OPTION\)$/],
    [['up', 'mysql', '--init', './missing.sql'], /^sandpit: mysql: init script "\.\/missing\.sql" cannot be read .*\(INVALID_OPTION\)$/],
    [['up', 'redis', '--root', '.'], /^sandpit: --root is an option of httpd, not of redis\. \(INVALID_OPTION\)$/],
    [['up', 'httpd', '--init', 'a.sql'], /^sandpit: --init is an option of mysql, redis, not of httpd\. \(INVALID_OPTION\)$/],
    [['up', 'redis', 'httpd', '--name', 'x'], /^sandpit: --name applies to one service at a time; .*\(INVALID_OPTION\)$/],
    // One server's scripts: the SQL file went to redis too.
    [['up', 'redis', 'mysql', '--init', 'a.sql'], /^sandpit: --init applies to one service at a time \(redis and mysql both take it\): start them separately, or give each its initScripts in sandpit\.config\.json\. \(INVALID_OPTION\)$/],
    [['up', 'redis', '--server-arg=maxmemory'], /^sandpit: redis: serverArgs \["maxmemory"\] is not a list of server flags: give e\.g\. \["--local-infile=1"\] \(on the command line --server-arg=--local-infile=1\)\. \(INVALID_OPTION\)$/],
    [['up', 'redis', 'mysql', '--image', 'x:1'], /^sandpit: --image applies to one service at a time; start redis, mysql separately\. \(INVALID_OPTION\)$/],
    [['up', 'redis', '--bind-address', 'nowhere'], /^sandpit: Invalid bindAddress: "nowhere"\. .*\(INVALID_OPTION\)$/],
    [['up'], /^sandpit: Nothing to start: .*\(INVALID_OPTION\)$/],
    [['exec', 'nosuchservice', '--', 'true'], /^sandpit: No sandpit service named "nosuchservice" is running\..*\(NOT_FOUND\)$/],
    [['logs', 'nosuchservice'], /^sandpit: No sandpit service named "nosuchservice" is running\..*\(NOT_FOUND\)$/],
    [['images', 'build', 'nosuch'], /^sandpit: Unknown preset "nosuch"\. Presets: httpd, mysql, redis, ubuntu\. \(UNKNOWN_PRESET\)$/],
    [['up', '-d', 'redis', '--env-file', 'no/such/dir/.env'], /^sandpit: Cannot write --env-file "no\/such\/dir\/\.env": .*no\/such\/dir does not exist\. Create it, .*\(INVALID_OPTION\)$/],
  ])('%j → exit 1', async (args, message) => {
    const child = sandpit(args, { cwd: folder });
    const result = await child;
    expectExit(result, 1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(await containersWith(`sandpit.pid=${child.pid}`)).toEqual([]);
  });

  test.each(beforeAnyStart)('%j → exit 1 with no engine to reach: checked before any start', async (args, message) => {
    // A check made only once a container starts would report DOCKER_UNREACHABLE here instead.
    const result = await sandpit(args, { cwd: folder, env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expectExit(result, 1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
  });

  test('a failing --init script: one line, exit 1, the container removed; --verbose shows cause and logs', async () => {
    const child = sandpit(['up', 'mysql', '--init', 'bad.sql', '--verbose'], { cwd: folder });
    const result = await child;
    expectExit(result, 1);
    expect(result.stderr).toMatch(/^sandpit: mysql: init script bad\.sql failed: .*\(INIT_SCRIPT_FAILED\)$/m);
    expect(result.stderr).toMatch(/^ {2}caused by: .*SQL syntax/m);
    expect(result.stderr).toMatch(/^Last \d+ log lines of mysql:$/m);
    expect(await containersWith(`sandpit.pid=${child.pid}`)).toEqual([]);
    const quiet = await sandpit(['up', 'mysql', '--init', 'bad.sql'], { cwd: folder, env: { CI: 'true' } });
    expect(quiet.stderr.trim().split('\n').slice(-2)).toEqual([
      expect.stringMatching(/^sandpit: mysql: init script bad\.sql failed: .*\(INIT_SCRIPT_FAILED\)$/),
      '  (run with --verbose for container logs)', // its cause only repeats the first line
    ]);
  });

  test('--timeout takes seconds with an s suffix, as SANDPIT_STARTUP_TIMEOUT does (it was refused as not a number)', async () => {
    // And a number in any form yargs read as one before the flag became a string (1e0: 1 ms).
    for (const value of ['0.001s', '1e0']) {
      const child = sandpit(['up', 'redis', '--timeout', value], { cwd: folder });
      const result = await child;
      expectExit(result, 1);
      expect(result.stderr).toMatch(/^sandpit: redis: not ready after 0\.001 s .*\(NOT_READY\)$/m);
      expect(await containersWith(`sandpit.pid=${child.pid}`)).toEqual([]);
    }
  });

  test('a config error is one line: no "--verbose for container logs" where there is no container, nor a cause it already quotes', async () => {
    const dir = path.join(folder, 'badconfig');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'sandpit.config.json'), '{ "services": ');
    const result = await sandpit(['up'], { cwd: dir });
    expectExit(result, 1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^sandpit: sandpit\.config\.json.*: invalid JSON: .*\(CONFIG_INVALID\)$/)]);
    // A reworded option error (services.cache.port: Invalid value: …) has nothing more behind it either.
    writeFileSync(path.join(dir, 'sandpit.config.json'), '{ "services": { "cache": { "preset": "redis", "port": "six" } } }');
    const option = await sandpit(['up'], { cwd: dir });
    expect(option.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^sandpit: sandpit\.config\.json: services\.cache\.port: Invalid value: "six"\. .*\(CONFIG_INVALID\)$/)]);
  });

  test.each([
    [['up', 'redis', '--bogus'], 'sandpit: Unknown argument: bogus', 'Run `sandpit up --help` for usage.'],
    [['frobnicate'], 'sandpit: Unknown argument: frobnicate', 'Run `sandpit --help` for usage.'],
    // Named once, as typed (yargs also lists it camel-cased), with the flag it is on the command line.
    [['up', '-d', 'redis', '--detatch'], 'sandpit: Unknown argument: detatch. Did you mean --detach?', 'Run `sandpit up --help` for usage.'],
    [['up', 'mysql', '--databse', 'app'], 'sandpit: Unknown argument: databse. Did you mean --database?', 'Run `sandpit up --help` for usage.'],
    [['up', 'mysql', '--init-scripts', 'x.sql'], 'sandpit: Unknown argument: init-scripts. initScripts is --init on the command line.', 'Run `sandpit up --help` for usage.'],
    [['upp'], 'sandpit: Unknown command "upp". Did you mean up?', 'Run `sandpit --help` for usage.'],
    // docker compose's words: what each is here ("Did you mean up?" for stop, a bare "Unknown argument" for --wait).
    [['stop', 'db'], 'sandpit: Unknown command "stop". Services are not stopped and kept: `sandpit down <name>` removes one.', 'Run `sandpit --help` for usage.'],
    [['ps'], 'sandpit: Unknown command "ps". `sandpit ls` lists the services.', 'Run `sandpit --help` for usage.'],
    [['up', '-d', 'redis', '--wait'], 'sandpit: Unknown argument: wait. up waits until every service answers, with -d too: leave --wait out.', 'Run `sandpit up --help` for usage.'],
    [['down', '-v'], 'sandpit: Unknown argument: v. down removes each container with its data: there are no volumes to keep; leave -v out.', 'Run `sandpit down --help` for usage.'],
    [['exec'], 'sandpit: Say which service: sandpit exec <name> -- <command> (see sandpit ls).', 'Run `sandpit exec --help` for usage.'],
    [['logs'], 'sandpit: Say which service: sandpit logs <name> (see sandpit ls).', 'Run `sandpit logs --help` for usage.'],
    [['--verbose', 'logs'], 'sandpit: Say which service: sandpit logs <name> (see sandpit ls).', 'Run `sandpit logs --help` for usage.'], // a global flag first
    [['--verbose', 'upp'], 'sandpit: Unknown command "upp". Did you mean up?', 'Run `sandpit --help` for usage.'],
    [['exec', 'x'], 'sandpit: Say what to run: sandpit exec <name> -- <command>.', 'Run `sandpit exec --help` for usage.'],
    // A flag's value left out: it was a shell with nothing mounted, said nowhere.
    [['shell', '--mount', '--', 'pwd'], 'sandpit: Give --mount a folder (--mount ./site), or pass --no-mount for none.', 'Run `sandpit shell --help` for usage.'],
    [['images'], 'sandpit: Pick build, ls or prune.', 'Run `sandpit images --help` for usage.'],
    // Before the engine is asked: a service that does not exist would otherwise say NOT_FOUND (exit 1).
    [['logs', 'nosuchservice', '--tail', '-5'], 'sandpit: Give --tail a whole number of lines, 0 or more, such as --tail 50.', 'Run `sandpit logs --help` for usage.'],
    [['logs', 'nosuchservice', '--tail', 'abc'], 'sandpit: Give --tail a whole number of lines, 0 or more, such as --tail 50.', 'Run `sandpit logs --help` for usage.'],
  ])('usage error %j → exit 2 with a hint', async (args, message, hint) => {
    const result = await sandpit(args);
    expectExit(result, 2);
    expect(result.stderr.trim().split('\n')).toEqual([message, hint]);
  });

  test('bare `sandpit` shows the overview and exits 2', async () => {
    const result = await sandpit([]);
    expectExit(result, 2);
    expect(result.stderr).toContain('Commands:');
    expect(result.stderr.trim().split('\n').at(-1)).toBe('sandpit: Pick a command.');
  });

  test('unreachable engine: one line naming what was tried, exit 1, quickly', async () => {
    const started = Date.now();
    const result = await sandpit(['up', 'redis'], { env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(Date.now() - started).toBeLessThan(5000);
    expectExit(result, 1);
    expect(result.stderr.trim().split('\n')[0]).toMatch(
      /^sandpit: The Docker engine at unix:\/\/\/nonexistent\.sock \(DOCKER_HOST\) is not reachable: .*try `sandpit doctor`\. \(DOCKER_UNREACHABLE\)$/,
    );
  });

  test('a host name that does not resolve is said as such (it read "nothing answers there"); an address without a scheme is tcp://', async () => {
    const unknown = await sandpit(['ls'], { env: { DOCKER_HOST: 'tcp://nosuchhost.invalid:2375' } });
    expectExit(unknown, 1);
    expect(unknown.stderr).toContain('The Docker engine at tcp://nosuchhost.invalid:2375 (DOCKER_HOST) is not reachable: no host named nosuchhost.invalid (ENOTFOUND).');
    const bare = await sandpit(['ls'], { env: { DOCKER_HOST: 'nosuchhost.invalid:2375' } });
    expect(bare.stderr).toContain('The Docker engine at tcp://nosuchhost.invalid:2375 (DOCKER_HOST) is not reachable: no host named');
  });

  test('--verbose: the cause says what the address answered, not testcontainers\' "no working container runtime strategy"', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const result = await sandpit(['ls', '--verbose'], { env: { DOCKER_HOST: `tcp://127.0.0.1:${port}` } });
    expectExit(result, 1);
    expect(result.stderr).toContain(`The Docker engine at tcp://127.0.0.1:${port} (DOCKER_HOST) is not reachable: nothing answers there (ECONNREFUSED).`);
    expect(result.stderr).toContain('caused by: nothing answers there (ECONNREFUSED)');
    expect(result.stderr).not.toMatch(/runtime strategy/i);
  });

  test('TLS on without the client certificates (dind with /certs/client not shared): the missing files are named', async () => {
    const certs = tempFolder('no-certs');
    writeFileSync(path.join(certs, 'ca.pem'), '');
    const result = await sandpit(['ls'], { env: { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs } });
    expectExit(result, 1);
    expect(result.stderr).toContain(
      `The Docker engine at tcp://127.0.0.1:2376 (DOCKER_HOST) is not reachable: TLS is on (DOCKER_TLS_VERIFY) but cert.pem, key.pem are not in ${certs} (DOCKER_CERT_PATH): put the engine's client certificates there`,
    );
  });

  test('a web server where DOCKER_HOST points: said as such (it read "nothing answers there")', async () => {
    const server = http.createServer((_, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const result = await sandpit(['ls'], { env: { DOCKER_HOST: `tcp://127.0.0.1:${port}` } });
      expectExit(result, 1);
      expect(result.stderr).toContain(`The Docker engine at tcp://127.0.0.1:${port} (DOCKER_HOST) is not reachable: a server answered HTTP 404 to /_ping: not a Docker engine (another service on that port?).`);
    } finally {
      server.close();
    }
  });
});

describe('run from a folder below the project (the CLI reads the config of its own folder only)', () => {
  test.each([
    [['up', '--detach'], /^sandpit: Nothing to start: no sandpit config in this folder, and (\S+)\/sandpit\.config\.json is in a folder above\. Run sandpit in \1, .*\(INVALID_OPTION\)$/],
    [['up', '--detach', 'db'], /^sandpit: Unknown preset "db"\. .* sandpit reads the config of the folder it runs in; (\S+)\/sandpit\.config\.json is in a folder above: run sandpit in \1\. \(UNKNOWN_PRESET\)$/],
  ])('%j says where the config is', async (args, message) => {
    const project = tempFolder('below');
    writeFileSync(path.join(project, 'sandpit.config.json'), JSON.stringify({ services: { db: { preset: 'redis' } } }));
    const below = path.join(project, 'db');
    mkdirSync(below);
    try {
      const child = sandpit(args, { cwd: below });
      const result = await child;
      expectExit(result, 1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(message);
      expect(await containersWith(`sandpit.pid=${child.pid}`)).toEqual([]);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('a config option typed as a flag', () => {
  test('--initScripts: usage error (exit 2) naming the flag it is on the command line', async () => {
    const result = await sandpit(['up', 'mysql', '--initScripts', 'a.sql']);
    expectExit(result, 2);
    expect(firstLine(result.stderr)).toBe('sandpit: Unknown argument: initScripts. initScripts is --init on the command line.');
  });
});

describe('help and version', () => {
  test('a reader that stops early (`sandpit doctor | head -1`) is no crash: later output is dropped', async () => {
    // `true` has long gone when doctor writes, its checks done (~0.5 s): every write meets a closed pipe.
    const result = await execa('bash', ['-c', `node ${main} doctor | true; echo "exit \${PIPESTATUS[0]}"`], { env: { NO_COLOR: '1' } });
    expect(result.stderr).not.toMatch(/EPIPE|Error:/);
    expect(result.stdout).toMatch(/^exit [01]$/); // doctor's own verdict, not a crash's
  });

  test.each([[[]], [['up']], [['shell']], [['exec']], [['logs']], [['ls']], [['down']], [['prune']], [['images']], [['images', 'build']], [['images', 'ls']], [['doctor']]])(
    '%j --help has real examples',
    async (words) => {
      const help = await sandpit([...words, '--help']);
      expectExit(help, 0);
      expect(help.stdout).toMatch(/\nExamples:\n {2}sandpit /);
    },
  );

  test('up --help lists the preset options as flags, from the presets', async () => {
    const help = (await sandpit(['up', '--help'])).stdout as string;
    expect(help).toContain('sandpit up mysql --init schema.sql');
    for (const flag of ['--root', '--password', '--database', '--user', '--root-password', '--init', '--mount', '--port', '--image', '--name', '--bind-address', '--timeout', '--detach', '--json', '--env-out']) {
      expect(help).toContain(flag);
    }
    // Its other name is not offered: under npx, Node takes it first (`node: .env.ci: not found`, exit 9).
    expect(help).not.toContain('--env-file');
    expect(help).toMatch(/--password\s+mysql: .*; redis: /);
  });

  test("help wraps between words, with yargs' light width measure (no Intl.Segmenter at every start)", async () => {
    // Every run of every command pays for what yargs loads. yargs 18's string-width 8 builds an
    // Intl.Segmenter and Unicode-set regexes at import (~50 ms here); the CommonJS build of yargs 17
    // measures with string-width 4. Its ESM build would be lighter too, but breaks words mid-word.
    const probe = `import { createRequire } from 'node:module';
      const cache = createRequire(import.meta.url).cache;
      process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(cache))));
      process.argv = [process.argv[0], ${JSON.stringify(main)}, 'up', '--help'];
      await import(${JSON.stringify(main)});`;
    const loaded = await execa('node', ['--input-type=module', '-e', probe], { reject: false, env: { COLUMNS: '100' } });
    // Wrapped description lines, joined back, give the option's text whole.
    const text = (loaded.stdout as string).replace(/\n {20,}/g, ' ').replace(/ {2,}/g, ' ');
    expect(text).toContain("redis: require this password (AUTH)");
    expect(text).toContain('run in order before ready; redis: .redis/.txt files of commands');
    const widths = (JSON.parse(/LOADED (.*)$/.exec(loaded.stderr)![1]!) as string[]).filter((m) => /\/string-width\/index\.js$/.test(m));
    // Loaded through require (the CommonJS build), so in require.cache: an ESM yargs leaves this empty.
    expect(widths.length).toBeGreaterThan(0);
    for (const file of widths) {
      const { version } = JSON.parse(readFileSync(path.join(path.dirname(file), 'package.json'), 'utf8')) as { version: string };
      expect(`${file}: ${version}`).toMatch(/: 4\./);
    }
  });

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const result = await sandpit(['--version']);
    expect([result.exitCode, result.stdout]).toEqual([0, version]);
  });

  test("a command's run lays out no help text: yargs' help cache is skipped", async () => {
    const dir = tempFolder('prof');
    const result = await execa('node', ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '50', main, 'ls', '--json']);
    expect(result.exitCode).toBe(0);
    const { readdirSync } = await import('node:fs');
    const profile = JSON.parse(readFileSync(path.join(dir, readdirSync(dir)[0]!), 'utf8')) as { nodes: { callFrame: { functionName: string; url: string } }[] };
    // yargs' own cacheHelpMessage, and cliui's rendering of a layout (its toString), never ran.
    const frame = ({ functionName, url }: { functionName: string; url: string }) =>
      (functionName.includes('cacheHelpMessage') && url.includes('/node_modules/yargs/')) || (functionName === 'toString' && url.includes('/node_modules/cliui/'));
    const layout = profile.nodes.filter((n) => frame(n.callFrame)).map((n) => n.callFrame.functionName);
    expect(layout).toEqual([]);
  });

  test('--help loads no heavy module: testcontainers, dockerode, database clients, listr2, the presets', async () => {
    const probe = `import { createRequire } from 'node:module';
      const cache = createRequire(import.meta.url).cache;
      process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(cache))));
      process.argv = [process.argv[0], ${JSON.stringify(main)}, '--help'];
      await import(${JSON.stringify(main)});`;
    // CommonJS modules show in require.cache; ESM ones (listr2, presets) in a CPU profile's script list.
    const loaded = await execa('node', ['--input-type=module', '-e', probe], { reject: false });
    const modules = JSON.parse(/LOADED (.*)$/.exec(loaded.stderr)![1]!) as string[];
    expect(modules.filter((m) => /node_modules\/(testcontainers|mysql2|@redis|dockerode)\//.test(m))).toEqual([]);
    const dir = tempFolder('prof');
    await execa('node', ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '50', main, '--help']);
    const { readdirSync } = await import('node:fs');
    const profile = JSON.parse(readFileSync(path.join(dir, readdirSync(dir)[0]!), 'utf8')) as { nodes: { callFrame: { url: string } }[] };
    const urls = [...new Set(profile.nodes.map((n) => n.callFrame.url).filter(Boolean))];
    expect(urls.filter((u) => /listr2|testcontainers|\/presets\/|\/lib\/service\//.test(u))).toEqual([]);
    expect(firstLine(loaded.stdout)).toBe('sandpit <command> [options]');
  });
});
