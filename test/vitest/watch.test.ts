import { expect, test } from '@jest/globals';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { track } from '../helpers/children.js';
import { containersWith, eventually } from '../helpers/engine.js';
import { removeByLabel } from '../../lib/cleanup/remove.js';

const removeSession = (session: string) => removeByLabel(`sandpit.session=${session}`);
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
import { allGone, fixture, reports, runVitest, sessionContainers } from './harness.js';

test('watch mode keeps the services across reruns, each from the seed, applies a changed config, and removes all at exit', async () => {
  const f = fixture('basic');
  // Each run's test leaves a key in its worker's copy: the rerun's copy begins without it (atStart '0').
  const vitest = runVitest(f, ['--watch', 'a.test'], { FIXTURE_LEAVE: '1' }, true);
  expect(await eventually(async () => reports(f).length === 1, 60_000)).toBe(true);

  appendFileSync(path.join(f.dir, 'a.test.js'), '\n// changed\n'); // a rerun: same services
  expect(await eventually(async () => reports(f).length === 2, 30_000)).toBe(true);
  const [first, second] = reports(f);
  expect(second).toEqual(first);
  expect(second!.atStart).toBe('0');
  expect(await sessionContainers(first!.session)).toHaveLength(2);

  // A config change reruns the tests; unchanged services keep their containers, a new one starts.
  writeFileSync(path.join(f.dir, 'sandpit.config.json'), JSON.stringify({ services: { cache: { preset: 'redis' }, box: { preset: 'ubuntu' }, extra: { preset: 'redis' } } }));
  expect(await eventually(async () => reports(f).length === 3, 60_000)).toBe(true);
  const third = reports(f)[2]!;
  expect(third).toMatchObject({ session: first!.session, cache: first!.cache, envCache: first!.cache, services: ['box', 'cache', 'extra'] });
  expect(await sessionContainers(first!.session)).toHaveLength(3);

  process.kill(-vitest.pid!, 'SIGINT');
  await vitest;
  expect(await allGone(first!.session, 15_000)).toBe(true);
});

/** Vitest in watch mode on a redis seeded from seed.redis ('SET greeting v1') and a box; `output()` is what it printed so far. */
function watchSeeded(cache: object = {}, first = 'SET greeting v1\n') {
  const f = fixture('basic');
  const seed = path.join(f.dir, 'seed.redis');
  writeFileSync(seed, first);
  writeFileSync(path.join(f.dir, 'sandpit.config.json'), JSON.stringify({ services: { cache: { preset: 'redis', initScripts: ['./seed.redis'], ...cache }, box: { preset: 'ubuntu' } } }));
  const vitest = runVitest(f, ['--watch', 'a.test'], { FIXTURE_SEED_KEYS: '1' }, true);
  let printed = '';
  vitest.all!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  return { f, seed, vitest, output: () => printed };
}

test('watch mode: an edited seed file reruns the tests by itself, and its service starts again from it', async () => {
  const { f, seed, vitest, output } = watchSeeded();
  expect(await eventually(async () => reports(f).length === 1, 60_000)).toBe(true);
  expect(reports(f)[0]).toMatchObject({ greeting: 'v1', atStart: '1' });
  // Only the seed changes (its path is the same): it kept serving v1, and nothing said why.
  writeFileSync(seed, 'SET greeting v2\n');
  expect(await eventually(async () => reports(f).length === 2, 60_000)).toBe(true);
  const [first, second] = reports(f);
  expect(second).toMatchObject({ greeting: 'v2', atStart: '1', session: first!.session, box: first!.box });
  expect(second!.cache).not.toBe(first!.cache);
  expect(output()).toContain('sandpit: init scripts changed: started cache again from them');
  process.kill(-vitest.pid!, 'SIGINT');
  await vitest;
  expect(await allGone(first!.session, 15_000)).toBe(true);
});

test('watch mode: a migration deleted from its folder (or a branch with fewer checked out) reruns the tests, and the service starts without it', async () => {
  const f = fixture('basic');
  const migrations = path.join(f.dir, 'migrations');
  mkdirSync(migrations);
  writeFileSync(path.join(migrations, '001_a.sql'), 'CREATE TABLE a (x INT);\n');
  writeFileSync(path.join(migrations, '002_b.sql'), 'CREATE TABLE b (x INT);\n');
  const services = { cache: { preset: 'redis' }, box: { preset: 'ubuntu' }, db: { preset: 'mysql', initScripts: ['./migrations'] } };
  writeFileSync(path.join(f.dir, 'sandpit.config.json'), JSON.stringify({ services }));
  const vitest = runVitest(f, ['--watch', 'a.test'], {}, true);
  let printed = '';
  vitest.all!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const tables = async (session: string) => {
    const [db] = await containersWith(`sandpit.session=${session}`, 'sandpit.name=db');
    return (await execa('docker', ['exec', db!, 'sh', '-c', 'mysql -uroot -p"$MYSQL_ROOT_PASSWORD" -N -e "SHOW TABLES" "$MYSQL_DATABASE"'])).stdout.split('\n');
  };
  try {
    expect(await eventually(async () => reports(f).length === 1, 90_000)).toBe(true);
    const { session } = reports(f)[0]!;
    expect(await tables(session)).toEqual(['a', 'b']);
    // Vitest reruns on a change or an addition, not on a deletion: table b stayed until another file was saved.
    rmSync(path.join(migrations, '002_b.sql'));
    expect(await eventually(async () => reports(f).length === 2, 90_000)).toBe(true);
    expect(printed).toContain('sandpit: init scripts changed: started db again from them');
    expect(await tables(session)).toEqual(['a']);
  } finally {
    process.kill(-vitest.pid!, 'SIGINT');
    await vitest;
  }
  expect(await allGone(reports(f)[0]!.session, 15_000)).toBe(true);
});

test('watch mode: a seed edited into one that fails leaves the running service as it was, until it is fixed', async () => {
  const { f, seed, vitest, output } = watchSeeded();
  expect(await eventually(async () => reports(f).length === 1, 60_000)).toBe(true);
  writeFileSync(seed, 'SET greeting\n'); // redis: wrong number of arguments
  // The service was stopped before its replacement failed: the rerun had no cache, though told it "stays as it was".
  expect(await eventually(async () => reports(f).length === 2, 60_000)).toBe(true);
  const [first, second] = reports(f);
  expect(second).toMatchObject({ greeting: 'v1', cache: first!.cache, session: first!.session });
  expect(output()).toMatch(/init script seed\.redis failed[^]*the services that were running stay as they were/);
  writeFileSync(seed, 'SET greeting v3\n');
  expect(await eventually(async () => reports(f).length === 3, 60_000)).toBe(true);
  expect(reports(f)[2]).toMatchObject({ greeting: 'v3', session: first!.session });
  expect(reports(f)[2]!.cache).not.toBe(first!.cache);
  expect(await sessionContainers(first!.session)).toHaveLength(2); // the v1 one went once v3's was up
  process.kill(-vitest.pid!, 'SIGINT');
  await vitest;
  expect(await allGone(first!.session, 15_000)).toBe(true);
});

test('watch mode started with a seed that fails: saving the fixed seed starts the services, and the rerun sees them', async () => {
  // Vitest runs a global setup once per watch session, a failed one too: every rerun was left without services.
  const { f, seed, vitest, output } = watchSeeded({}, 'SET greeting\n');
  try {
    // Its first run ends without services, its test failing with why (a save during that run reruns nothing:
    // Vitest knows the run's files only once it has collected them).
    expect(await eventually(async () => output().includes('Watching for file changes'), 60_000)).toBe(true);
    expect(output()).toMatch(/init script seed\.redis failed[^]*sandpit: this run has no services; fix it and save \(or press r\) to try again\.[^]*its global setup failed/);
    expect(reports(f)).toEqual([]);
    writeFileSync(seed, 'SET greeting v2\n');
    expect(await eventually(async () => reports(f).length === 1, 60_000)).toBe(true);
    expect(reports(f)[0]).toMatchObject({ greeting: 'v2', atStart: '1', services: ['box', 'cache'] });
    expect(output()).toMatch(/sandpit: box, cache ready in|sandpit: cache, box ready in/);
  } finally {
    process.kill(-vitest.pid!, 'SIGINT');
    await vitest;
  }
  expect(await allGone(reports(f)[0]!.session, 15_000)).toBe(true);
});

test('watch mode: a seed edited into one that fails, for a service on a port of its own: said missing, not "as it was"', async () => {
  const { f, seed, vitest, output } = watchSeeded({ port: 'standard' });
  try {
    expect(await eventually(async () => reports(f).length === 1, 60_000)).toBe(true);
    writeFileSync(seed, 'SET greeting\n');
    // Stopped to free its port, then started again from the same (edited) seed, which failed again, unsaid.
    expect(await eventually(async () => output().includes('did not start again'), 60_000)).toBe(true);
    expect(output()).toContain('sandpit: cache (on a port of its own, stopped for its replacement) did not start again: it is missing from this run, the others stay as they were;');
  } finally {
    process.kill(-vitest.pid!, 'SIGINT');
    await vitest;
  }
  expect(await allGone(reports(f)[0]!.session, 15_000)).toBe(true);
});

test('watch mode with warm reuse: a service the config changed is removed, not kept warm under options no run takes over', async () => {
  const f = fixture('basic');
  const config = (args: string[]) => ({ reuse: { idleTimeout: 60_000 }, services: { cache: { preset: 'redis', initScripts: [`SET fixture ${JSON.stringify(f.dir)}`], serverArgs: args }, box: { preset: 'ubuntu' } } });
  writeFileSync(path.join(f.dir, 'sandpit.config.json'), JSON.stringify(config([])));
  const vitest = runVitest(f, ['--watch', 'a.test'], { SANDPIT_REUSE: 'force', FIXTURE_SEED_KEYS: '1' }, true);
  const ids = new Set<string>();
  try {
    expect(await eventually(async () => reports(f).length === 1, 60_000)).toBe(true);
    const first = reports(f)[0]!;
    [first.cache, first.box].forEach((id) => ids.add(id));
    writeFileSync(path.join(f.dir, 'sandpit.config.json'), JSON.stringify(config(['--maxmemory', '64mb'])));
    expect(await eventually(async () => reports(f).length === 2, 60_000)).toBe(true);
    const second = reports(f)[1]!;
    [second.cache, second.box].forEach((id) => ids.add(id));
    expect(second.cache).not.toBe(first.cache);
    expect(second.box).toBe(first.box);
    // It said "stopped cache" and handed it back: it stayed warm, after the run too.
    const exists = async (id: string) => (await execa('docker', ['inspect', id], { reject: false })).exitCode === 0;
    expect(await eventually(async () => !(await exists(first.cache)), 10_000)).toBe(true);
  } finally {
    process.kill(-vitest.pid!, 'SIGINT');
    await vitest;
    await Promise.allSettled([...ids].map((id) => execa('docker', ['rm', '-f', id], { reject: false })));
  }
});

// In a terminal, watch mode puts stdin in raw mode and reads Ctrl-C as a key: Vitest then closes itself,
// global setup teardowns included. (A SIGINT from elsewhere makes it exit at once, without them: then the
// watchdog removes the services, as the test above shows.) `script` gives Vitest a terminal.
test('Ctrl-C in a terminal, in watch mode: the global setup\'s teardown removes the services (no watchdog in this run)', async () => {
  const f = fixture('basic');
  // Without the watchdog, and with the teardown waiting for its removals, only the teardown can remove
  // them: nothing left the moment Vitest has exited shows that it ran.
  const command = [process.execPath, vitestBin, '--watch', 'a.test'].map((a) => `'${a}'`).join(' ');
  const terminal = execa('script', ['-qfec', command, '/dev/null'], {
    cwd: f.dir,
    env: { FIXTURE_OUT: f.out, SANDPIT_WATCHDOG: '0', SANDPIT_TEARDOWN: 'wait', TERM: 'xterm' },
    reject: false,
    all: true,
  });
  track(terminal);
  expect(await eventually(async () => reports(f).length === 1, 60_000)).toBe(true);
  const { session } = reports(f)[0]!;
  try {
    expect(await sessionContainers(session)).toHaveLength(2);
    terminal.stdin!.write('\x03'); // the key, as a terminal sends it
    const result = await terminal;
    expect(result.all).toMatch(/Cancelling test run|closing/i);
    expect(await sessionContainers(session)).toEqual([]);
  } finally {
    terminal.kill('SIGKILL');
    await removeSession(session); // what a failing run left (nothing else would remove it)
  }
});
