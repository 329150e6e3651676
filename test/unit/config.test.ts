import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { loadConfig } from '../../lib/config/index.js';
import type { SandpitError } from '../../lib/errors.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A temp project with these files (objects are written as JSON). */
function project(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sandpit-config-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const failure = async (dir: string): Promise<SandpitError> => {
  const error = (await loadConfig(dir).then(
    () => undefined,
    (e: unknown) => e,
  )) as SandpitError | undefined;
  if (!error) throw new Error('loadConfig did not fail');
  expect(error.code).toBe('CONFIG_INVALID');
  return error;
};

// In a Node process of its own: Jest's module registry keeps its own copies of what a test imports.
test.each([
  ['sandpit.config.mjs', (port: number) => `export default { services: { cache: { preset: 'redis', port: ${port} } } };`],
  ['sandpit.config.cjs', (port: number) => `module.exports = { services: { cache: { preset: 'redis', port: ${port} } } };`],
])('%s edited: loaded again as it is now (a watch-mode rerun read the config it started with), through a linked folder too; an error names its line', async (name, text) => {
  const dir = project({ [name]: text(6390) });
  // Through a link, as macOS's temp dir is (/var → /private/var): Node keeps a CommonJS module by its real path.
  const linked = `${dir}-link`;
  symlinkSync(dir, linked);
  dirs.push(linked);
  const built = fileURLToPath(new URL('../../dist/lib/config/index.js', import.meta.url));
  const script = `import { writeFileSync } from 'node:fs';
const { loadConfig } = await import(${JSON.stringify(built)});
const file = ${JSON.stringify(path.join(linked, name))};
const first = (await loadConfig(${JSON.stringify(linked)})).services[0].port;
writeFileSync(file, ${JSON.stringify(text(6391))}); // the same size, maybe the same mtime: the content counts
const second = (await loadConfig(${JSON.stringify(linked)})).services[0].port;
writeFileSync(file, '\\nthrow new Error("boom");\\n');
const error = await loadConfig(${JSON.stringify(linked)}).then(() => 'loaded', (e) => e.message);
console.log(first, second, error);`;
  const { stdout } = await execa(process.execPath, ['--input-type=module', '-e', script]);
  expect(stdout).toMatch(new RegExp(`^6390 6391 ${name.replace('.', '\\.')}:2:\\d+: cannot be loaded: boom`));
});

describe('loadConfig finds', () => {
  test('nothing, when there is no config', async () => {
    expect(await loadConfig(project({ 'package.json': { name: 'x' } }))).toBeUndefined();
  });

  test('sandpit.config.json: the key becomes the name', async () => {
    const dir = project({ 'sandpit.config.json': { services: { cache: { preset: 'redis' }, db: { preset: 'mysql', database: 'app' } } } });
    expect(await loadConfig(dir)).toEqual({
      file: path.join(dir, 'sandpit.config.json'),
      services: [
        { preset: 'redis', name: 'cache' },
        { preset: 'mysql', database: 'app', name: 'db' },
      ],
      isolation: { cache: 'worker', db: 'worker' },
      setup: {},
    });
  });

  test.each([
    ['sandpit.config.mjs', 'export default { services: { cache: { preset: "redis" } } };'],
    ['sandpit.config.cjs', 'module.exports = { services: { cache: { preset: "redis" } } };'],
    ['sandpit.config.js', 'export default { services: { cache: { preset: "redis" } } };'],
    ['sandpit.config.ts', 'const port: number = 6400;\nexport default { services: { cache: { preset: "redis" as const, port } } };'],
  ])('%s', async (file, source) => {
    const dir = project({ 'package.json': { type: 'module' }, [file]: source });
    expect((await loadConfig(dir))?.services[0]).toMatchObject({ preset: 'redis', name: 'cache' });
  });

  test('a "sandpit" key in package.json', async () => {
    const dir = project({ 'package.json': { name: 'x', sandpit: { services: { box: { preset: 'ubuntu' } } } } });
    expect(await loadConfig(dir)).toEqual({ file: path.join(dir, 'package.json'), services: [{ preset: 'ubuntu', name: 'box' }], isolation: { box: 'shared' }, setup: {} });
  });

  test("isolation: 'worker' by default for mysql and redis, and checked", async () => {
    const config = (services: object) => loadConfig(project({ 'sandpit.config.json': { services } }));
    expect((await config({ db: { preset: 'mysql', isolation: 'shared' }, cache: { preset: 'redis' } }))?.isolation).toEqual({ db: 'shared', cache: 'worker' });
    await expect(config({ cache: { preset: 'redis', isolation: 'workers' } })).rejects.toThrow("services.cache.isolation: expected 'worker' or 'shared'.");
    await expect(config({ box: { preset: 'ubuntu', isolation: 'worker' } })).rejects.toThrow('services.box.isolation: only mysql and redis have a copy per worker');
  });

  test('setup: a command line per service, kept apart from its options', async () => {
    const config = (services: object) => loadConfig(project({ 'sandpit.config.json': { services } }));
    const loaded = await config({ db: { preset: 'mysql', setup: 'npx knex migrate:latest' }, cache: { preset: 'redis' } });
    expect(loaded?.setup).toEqual({ db: 'npx knex migrate:latest' });
    expect(loaded?.services[0]).not.toHaveProperty('setup');
    await expect(config({ db: { preset: 'mysql', setup: '' } })).rejects.toThrow('services.db.setup: expected a command line, such as "npx knex migrate:latest".');
    await expect(config({ db: { preset: 'mysql', setpu: 'x' } })).rejects.toThrow(/Did you mean "setup"\?/);
  });

  test('only in the folder given, not in its parents', async () => {
    const dir = project({ 'sandpit.config.json': { services: { cache: { preset: 'redis' } } }, 'sub/.keep': '' });
    expect(await loadConfig(path.join(dir, 'sub'))).toBeUndefined();
    expect(await loadConfig(path.join(dir, 'sub'), { stopDir: dir })).toBeDefined();
  });
});

describe('loadConfig resolves paths against the config file', () => {
  test('root, mount and .sql init scripts, but not inline SQL', async () => {
    const dir = project({
      'sandpit.config.json': {
        services: {
          site: { preset: 'httpd', root: 'public' },
          box: { preset: 'ubuntu', mount: '.' },
          db: { preset: 'mysql', initScripts: ['db/schema.sql', 'INSERT INTO t VALUES (1)'] },
        },
      },
      'public/index.html': 'hi',
      'db/schema.sql': 'CREATE TABLE t (id INT);',
    });
    const elsewhere = process.cwd();
    expect(elsewhere).not.toBe(dir);
    const { services } = (await loadConfig(dir))!;
    expect(services).toEqual([
      { preset: 'httpd', root: path.join(dir, 'public'), name: 'site' },
      { preset: 'ubuntu', mount: dir, name: 'box' },
      { preset: 'mysql', initScripts: [path.join(dir, 'db/schema.sql'), 'INSERT INTO t VALUES (1)'], name: 'db' },
    ]);
  });

  test('redis entries by redis\' rule: a lone word is a command (FLUSHALL), a file of commands a path', async () => {
    const dir = project({
      'sandpit.config.json': { services: { cache: { preset: 'redis', initScripts: ['FLUSHALL', 'seed.redis', 'SET a 1'] } } },
      'seed.redis': 'SET b 2',
    });
    const { services } = (await loadConfig(dir))!;
    expect(services).toEqual([{ preset: 'redis', initScripts: ['FLUSHALL', path.join(dir, 'seed.redis'), 'SET a 1'], name: 'cache' }]);
  });
});

describe('loadConfig rejects, naming the file and the key', () => {
  test('an unknown option, with a suggestion', async () => {
    const dir = project({ 'sandpit.config.json': { services: { db: { preset: 'mysql', initScript: ['a.sql'] } } } });
    expect((await failure(dir)).message).toMatch(
      /^sandpit\.config\.json: services\.db\.initScript: Unknown option "initScript" for mysql\. Did you mean "initScripts"\?/,
    );
  });

  test("docker compose's keys say where each goes here (they listed the options only)", async () => {
    const said = async (service: Record<string, unknown>) => (await failure(project({ 'sandpit.config.json': { services: { db: service } } }))).message;
    expect(await said({ preset: 'mysql', environment: { MYSQL_DATABASE: 'shop' } })).toMatch(
      /^sandpit\.config\.json: services\.db\.environment: Unknown option "environment" for mysql\. For docker compose's environment: the image's MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD and MYSQL_ROOT_PASSWORD are database, user, password and rootPassword\. Options: /,
    );
    expect(await said({ preset: 'redis', command: 'redis-server --appendonly yes' })).toContain(`For docker compose's command: the server's flags are serverArgs: ["--appendonly", "yes"].`);
    expect(await said({ preset: 'httpd', volumes: ['./public:/usr/local/apache2/htdocs'] })).toContain("For docker compose's volumes: the folder it serves is root.");
    // An official image with no preset: it read "for custom", then "could not be pulled" offline.
    expect(await said({ image: 'mysql:8.4', environment: {} })).toMatch(
      /^sandpit\.config\.json: services\.db\.environment: Unknown option "environment" for an image with no preset\. mysql:8\.4 is the mysql preset's image: give "preset": "mysql" \(image then picks the version; its options: database, /,
    );
  });

  test("testcontainers' names say where each goes here (a suite ported from MySqlContainer, GenericContainer)", async () => {
    const said = async (service: Record<string, unknown>) => (await failure(project({ 'sandpit.config.json': { services: { db: service } } }))).message;
    expect(await said({ preset: 'mysql', username: 'app' })).toContain("Unknown option \"username\" for mysql. For testcontainers' username: the app user is user");
    expect(await said({ image: 'app:1', exposedPorts: [8080] })).toContain("For testcontainers' exposedPorts: container ports to publish are ports: [8080].");
    expect(await said({ preset: 'redis', networkAliases: ['cache'] })).toContain("For testcontainers' networkAliases: another container reaches the service at its internal address: service.internal.url");
  });

  test("a compose-style ${VAR} is refused where it is: it became a password of that very text", async () => {
    const said = async (service: Record<string, unknown>) => (await failure(project({ 'sandpit.config.json': { services: { db: service } } }))).message;
    expect(await said({ preset: 'mysql', password: '${MYSQL_PASSWORD}' })).toBe(
      'sandpit.config.json: services.db.password: ${MYSQL_PASSWORD} is taken as it is: a config expands no variables, as docker compose does. Write the value, or use sandpit.config.ts (or .js) with process.env.MYSQL_PASSWORD.',
    );
    expect(await said({ preset: 'redis', serverArgs: ['--requirepass', '${REDIS_PASSWORD:-secret}'] })).toMatch(/^sandpit\.config\.json: services\.db\.serverArgs\.1: \$\{REDIS_PASSWORD:-secret\} is taken as it is/);
    // A setup command is the shell's, a custom service's command, ready check and env its container's: they
    // expand their own. compose's $${X} is a literal.
    expect(await loadConfig(project({ 'sandpit.config.json': { services: { db: { preset: 'redis', setup: 'echo ${HOME}', password: 'a$${X}' } } } }))).toMatchObject({ setup: { db: 'echo ${HOME}' } });
    const app = { image: 'busybox:1', command: ['sh', '-c', 'exec httpd -f -p ${PORT:-8080}'], env: { URL: 'http://${HOST}/' }, ready: { command: ['sh', '-c', 'test -n "${PORT}"'] } };
    expect(await loadConfig(project({ 'sandpit.config.json': { services: { app } } }))).toMatchObject({ services: [expect.objectContaining({ command: app.command })] });
  });

  test('an unknown preset, with a suggestion', async () => {
    const dir = project({ 'sandpit.config.json': { services: { cache: { preset: 'rediss' } } } });
    expect((await failure(dir)).message).toMatch(/^sandpit\.config\.json: services\.cache\.preset: Unknown preset "rediss"\. Did you mean "redis"\?/);
  });

  test('an option of the wrong type', async () => {
    const dir = project({ 'sandpit.config.json': { services: { cache: { preset: 'redis', port: 'six' } } } });
    expect((await failure(dir)).message).toMatch(/^sandpit\.config\.json: services\.cache\.port: Invalid value: "six"\. Expected a port number/);
    // The path names the option once: it read "services.db.database: Invalid mysql: database: 5".
    const db = project({ 'sandpit.config.json': { services: { db: { preset: 'mysql', database: 5 } } } });
    expect((await failure(db)).message).toMatch(/^sandpit\.config\.json: services\.db\.database: Invalid value: 5\. Expected /);
  });

  test('an empty root in a config is refused as on the command line, not read as the config folder', async () => {
    const dir = project({ 'sandpit.config.json': { services: { site: { preset: 'httpd', root: '' } } } });
    expect((await failure(dir)).message).toMatch(/^sandpit\.config\.json: services\.site\.root: httpd: root is empty\./);
  });

  test('a service with neither preset nor image: the example is JSON, not start()', async () => {
    const dir = project({ 'sandpit.config.json': { services: { thing: {} } } });
    expect((await failure(dir)).message).toMatch(/^sandpit\.config\.json: services\.thing: Say what to start: .*e\.g\. \{ "preset": "redis" \} or \{ "image": "nginx:1\.27", "ports": \[80\] \}\.$/);
  });

  test('a folder or script that does not exist, relative to the config', async () => {
    const site = project({ 'sandpit.config.json': { services: { site: { preset: 'httpd', root: 'nope' } } } });
    const message = (await failure(site)).message;
    expect(message).toMatch(/^sandpit\.config\.json: services\.site\.root: .*does not exist/);
    expect(message.split(path.join(site, 'nope')).length - 1).toBe(1); // the absolute path once, not "…/nope" does not exist (…/nope)
    const db = project({ 'sandpit.config.json': { services: { db: { preset: 'mysql', initScripts: ['missing.sql'] } } } });
    expect((await failure(db)).message).toMatch(/^sandpit\.config\.json: services\.db\.initScripts: .*missing\.sql/);
  });

  test('an unknown top-level key, with a suggestion', async () => {
    const dir = project({ 'sandpit.config.json': { service: { cache: { preset: 'redis' } } } });
    expect((await failure(dir)).message).toMatch(/^sandpit\.config\.json: service: unknown key\. Did you mean "services"\?/);
  });

  test("a service's key at the top is said to go under services.<name>; a typo in reuse's is suggested", async () => {
    const top = project({ 'sandpit.config.json': { isolation: 'shared', services: { cache: { preset: 'redis' } } } });
    expect((await failure(top)).message).toBe('sandpit.config.json: isolation: a key of each service, not of the whole config: put it under services.<name>.isolation.');
    const option = project({ 'sandpit.config.json': { initScripts: ['seed.sql'], services: {} } });
    expect((await failure(option)).message).toMatch(/^sandpit\.config\.json: initScripts: a key of each service/);
    const common = project({ 'sandpit.config.json': { port: 'standard', services: {} } });
    expect((await failure(common)).message).toMatch(/^sandpit\.config\.json: port: a key of each service/);
    const inherited = project({ 'sandpit.config.json': { constructor: 1, services: {} } });
    expect((await failure(inherited)).message).toMatch(/^sandpit\.config\.json: constructor: unknown key\./);
    const reuse = project({ 'sandpit.config.json': { reuse: { idleTimeOut: 60000 }, services: {} } });
    expect((await failure(reuse)).message).toBe('sandpit.config.json: reuse.idleTimeOut: unknown key. Did you mean "idleTimeout"? expected true, false, or { "idleTimeout": milliseconds }.');
  });

  test('a missing seed file: its path once, and a file of a close name in that folder suggested', async () => {
    const dir = project({ 'sandpit.config.json': { services: { db: { preset: 'mysql', initScripts: ['db/seeds.sql'] } } }, 'db/seed.sql': 'SELECT 1;' });
    const { message } = await failure(dir);
    const missing = path.join(dir, 'db/seeds.sql');
    expect(message.split(missing).length - 1).toBe(1);
    expect(message).toContain(`Did you mean "${path.join(dir, 'db/seed.sql')}"?`);
  });

  test('bad JSON, with the parse error and where it is', async () => {
    const dir = project({ 'sandpit.config.json': '{\n  "services": {\n    "cache": { "preset": "redis", }\n  }\n}' });
    expect((await failure(dir)).message).toMatch(/^sandpit\.config\.json:3:35: invalid JSON: .+/);
  });

  test('a TypeScript config that does not parse: where, on the first line', async () => {
    const dir = project({ 'sandpit.config.ts': 'export default {\n  services: {\n    cache: { preset: "redis" port: 1 },\n  },\n};\n' });
    expect((await failure(dir)).message).toMatch(/^sandpit\.config\.ts:3:29: cannot be loaded: ParseError: Unexpected token, expected ","$/);
  });

  test("a typo of the config's own isolation key is suggested; the options listed are a config's", async () => {
    const dir = project({ 'sandpit.config.json': { services: { db: { preset: 'mysql', isolaton: 'shared' } } } });
    const { message } = await failure(dir);
    expect(message).toMatch(/^sandpit\.config\.json: services\.db\.isolaton: Unknown option "isolaton" for mysql\. Did you mean "isolation"\?/);
    expect(message).toMatch(/Options: .*\bisolation\b/);
    expect(message).not.toMatch(/\bdetached\b/);
  });

  test('an empty file, instead of looking elsewhere', async () => {
    // A config above it (a monorepo's root) is not what an empty one here means.
    const root = project({ 'package.json': { sandpit: { services: {} } }, 'api/sandpit.config.json': '' });
    await expect(loadConfig(path.join(root, 'api'), { stopDir: root })).rejects.toThrow(/^sandpit\.config\.json: \(top level\): expected an object/);
  });

  test('two config files in one folder: neither is silently ignored', async () => {
    const dir = project({ 'sandpit.config.json': { services: { a: { preset: 'redis' } } }, 'sandpit.config.mjs': "export default { services: { b: { preset: 'redis' } } };" });
    expect((await failure(dir)).message).toBe(`${dir} has 2 sandpit configs (sandpit.config.json, sandpit.config.mjs): keep one, and delete or rename the others.`);
  });

  test('a "sandpit" key in package.json beside a config file: refused too, not silently ignored', async () => {
    const dir = project({ 'sandpit.config.json': { services: { a: { preset: 'redis' } } }, 'package.json': { name: 'api', sandpit: { services: { b: { preset: 'redis' } } } } });
    expect((await failure(dir)).message).toBe(`${dir} has 2 sandpit configs (sandpit.config.json, package.json "sandpit"): keep one, and delete or rename the others.`);
    // A package.json without the key is no config.
    expect(await loadConfig(project({ 'sandpit.config.json': { services: {} }, 'package.json': { name: 'api' } }))).toMatchObject({ services: [] });
  });

  test('a CommonJS sandpit.config.js in a "type": "module" package says how to make them agree', async () => {
    const dir = project({ 'package.json': { type: 'module' }, 'sandpit.config.js': "module.exports = { services: { cache: { preset: 'redis' } } };" });
    expect((await failure(dir)).message).toMatch(/^sandpit\.config\.js:1:1: cannot be loaded: module is not defined( in ES module scope)?\. Its package\.json says "type": "module": rename it sandpit\.config\.cjs, or write `export default \{ … \}`$/);
  });

  test('a JS config that throws', async () => {
    const dir = project({ 'sandpit.config.mjs': 'throw new Error("oops");' });
    expect((await failure(dir)).message).toBe('sandpit.config.mjs:1:7: cannot be loaded: oops'); // where it threw, from the stack
  });

  test('a service that is not an object, or whose name differs from its key', async () => {
    expect((await failure(project({ 'sandpit.config.json': { services: { cache: 'redis' } } }))).message).toMatch(
      /^sandpit\.config\.json: services\.cache: expected an object/,
    );
    expect((await failure(project({ 'sandpit.config.json': { services: { cache: { preset: 'redis', name: 'c' } } } }))).message).toMatch(
      /^sandpit\.config\.json: services\.cache\.name: the key is the service's name/,
    );
  });

  test('a name that cannot become a variable, or two that become the same one', async () => {
    expect((await failure(project({ 'sandpit.config.json': { services: { 'my cache': { preset: 'redis' } } } }))).message).toMatch(
      /^sandpit\.config\.json: services\.my cache: Invalid name/,
    );
    const clash = project({ 'sandpit.config.json': { services: { 'my-db': { preset: 'redis' }, my_db: { preset: 'redis' } } } });
    expect((await failure(clash)).message).toMatch(/services\.my_db: gives the same SANDPIT_MY_DB_\* variables as services\.my-db/);
  });

  test('key paths in package.json start at "sandpit"', async () => {
    const dir = project({ 'package.json': { sandpit: { services: { cache: { preset: 'redis', pasword: 'x' } } } } });
    expect((await failure(dir)).message).toMatch(/^package\.json: sandpit\.services\.cache\.pasword: Unknown option "pasword" for redis\. Did you mean "password"\?/);
  });
});
