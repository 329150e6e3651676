import { beforeAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { containersWith, eventually } from '../helpers/engine.js';
import { main, named, onTerminal, readyLine, sandpit, saw, unique, ensureImages, expectExit } from './run.js';
import { tempFolder } from '../helpers/temp.js';
import { presetImage } from '../helpers/images.js';
import { shortFolder } from '../../lib/cleanup/project.js';
import { holdOffPrunes } from '../helpers/prune-lock.js';

const here = shortFolder(process.cwd());
const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

beforeAll(ensureImages, 600_000);

const configDir = fileURLToPath(new URL('../fixtures/cli-config/', import.meta.url));

describe('sandpit up / ls / exec / logs / down', () => {
  test('up --detach --json, ls --json shows it, exec and logs reach it by name or id, down --all --dry-run lists it, down <id> removes it', async () => {
    const name = unique('cache');
    const up = await sandpit(['up', 'redis', '--detach', '--json', '--name', name]);
    expectExit(up, 0);
    const [service] = JSON.parse(up.stdout as string);
    try {
      expect(service).toMatchObject({ name, preset: 'redis', host: '127.0.0.1', url: `redis://127.0.0.1:${service.port}` });
      expect(service.containerId).toMatch(/^[0-9a-f]{64}$/);
      expect(up.stderr).toContain(`sandpit: left running; remove with \`sandpit down ${name}\``);

      const ls = JSON.parse((await sandpit(['ls', '--json'])).stdout as string) as { name: string; owner: string; url: string }[];
      expect(ls.find((s) => s.name === name)).toMatchObject({ owner: 'detached', url: service.url, preset: 'redis' });
      const table = await sandpit(['ls']);
      expect(table.stdout).toMatch(new RegExp(`^${name}\\s+[0-9a-f]{12}\\s+redis\\s+redis://127\\.0\\.0\\.1:${service.port}\\s+\\d+s\\s+detached \\(${esc(here)}\\)\\s+running$`, 'm'));

      const ping = await sandpit(['exec', name, '--', 'redis-cli', 'ping']);
      expect([ping.exitCode, ping.stdout]).toEqual([0, 'PONG']);
      expect((await sandpit(['exec', name, '--', 'sh', '-c', 'echo oops >&2; exit 5'])).exitCode).toBe(5);
      // With -i, input piped in or from a file reaches the command (it was dropped without a word: a new user
      // expected `< dump.sql` to work); without it the command gets none, as with docker exec, and a script's
      // own input is not read away (`while read …; do sandpit exec …; done < list`).
      const shell = (line: string) => execa('sh', ['-c', line], { reject: false, extendEnv: false, env: { ...process.env, CI: '' } });
      const piped = await shell(`printf 'SET piped yes\\nGET piped\\n' | node -- ${main} exec -i ${name} -- redis-cli`);
      expect([piped.exitCode, piped.stdout]).toEqual([0, 'OK\nyes']);
      const fromFile = await shell(`node -- ${main} exec -i ${name} -- sh -c 'wc -l; exit 3' < ${main}`);
      expect([fromFile.exitCode, Number(fromFile.stdout.trim())]).toEqual([3, readFileSync(main, 'utf8').split('\n').length - 1]);
      expect((await sandpit(['exec', '-i', name, '--', 'cat'], { input: 'via -i' })).stdout).toBe('via -i');
      // A file given without -i: said (the command ran with none), not silently dropped; a pipe may be the script's.
      const noFlag = await shell(`node -- ${main} exec ${name} -- sh -c 'wc -c' < ${main}`);
      expect([noFlag.exitCode, noFlag.stdout.trim(), noFlag.stderr]).toEqual([0, '0', 'sandpit: the input file is not passed to the command without -i: sandpit exec -i <name> -- <command> < file']);
      // Not in a loop reading a file of its own (the file is the script's, read part way by then).
      const list = path.join(tempFolder('exec-loop'), 'list');
      writeFileSync(list, 'a\nb\n');
      const fileLoop = await shell(`while read -r word; do node -- ${main} exec ${name} -- echo "$word"; done < ${list}`);
      expect([fileLoop.stdout.split('\n'), fileLoop.stderr]).toEqual([['a', 'b'], '']);
      const loop = await shell(`printf 'a\\nb\\n' | while read -r word; do node -- ${main} exec ${name} -- sh -c 'cat; echo "$0"' "$word"; done`);
      expect(loop.stdout.split('\n')).toEqual(['a', 'b']);
      expect((await sandpit(['logs', name])).stdout).toContain('Ready to accept connections');
      // -f keeps printing until stopped; it must not return on its own while the service runs.
      const follow = sandpit(['logs', '-f', name]);
      let followed = '';
      follow.stdout!.on('data', (chunk: Buffer) => (followed += chunk.toString()));
      // On a busy machine the CLI may take seconds to print: wait for the line, not a fixed time.
      expect(await eventually(async () => followed.includes('Ready to accept connections'), 30_000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(follow.exitCode).toBeNull(); // still running
      follow.kill('SIGINT');
      await follow;

      // --all would also remove what other suites left detached on this shared engine: its choice is
      // checked with --dry-run, and the removal itself by id prefix, as `ls` shows it.
      const all = await sandpit(['down', '--all', '--dry-run']);
      expectExit(all, 0);
      expect(all.stderr).toMatch(new RegExp(`would remove \\d+ services?: .*${name}`));
      expect(await named(name)).toHaveLength(1);
      const id = (table.stdout as string).match(new RegExp(`^${name}\\s+([0-9a-f]{12})\\s`, 'm'))![1]!;
      expect(service.containerId.startsWith(id)).toBe(true);
      expect((await sandpit(['exec', id.slice(0, 8), '--', 'redis-cli', 'ping'])).stdout).toBe('PONG');
      const down = await sandpit(['down', id.slice(0, 6)]);
      expectExit(down, 0);
      expect(down.stderr).toBe(`sandpit: removed 1 service: ${name}`);
      expect(await named(name)).toEqual([]);
    } finally {
      // A failed assertion above must not leave a detached service on the shared engine.
      if ((await named(name)).length > 0) await sandpit(['down', name]);
    }
  });

  test("redis with a password: --env-out has its own _PASSWORD line, which sh reads back as given (# and $ in it)", async () => {
    const name = unique('pw');
    const file = path.join(tempFolder('cli'), '.env');
    const password = 'p w$x#y';
    expectExit(await sandpit(['up', 'redis', '-d', '--name', name, '--password', password, '--env-out', file]), 0);
    try {
      // Unquoted, sh ran `w#y` as a command (and Node's --env-file cut the value at the #: test/unit/env-file.test.ts).
      const bySh = await execa('sh', ['-c', `set -a; . "$0"; printf %s "$SANDPIT_${name.toUpperCase()}_PASSWORD"`, file]);
      expect(bySh.stdout).toBe(password);
    } finally {
      await sandpit(['down', name]);
    }
  });

  test('mysql: --json and --env-file carry user, password and database; exec -- mysql logs in by itself', async () => {
    const name = unique('db');
    const file = path.join(tempFolder('cli'), '.env');
    const up = await sandpit(['up', 'mysql', '-d', '--json', '--name', name, '--database', 'app', '--password', 'pw1', '--env-file', file]);
    expectExit(up, 0);
    try {
      const [db] = JSON.parse(up.stdout as string);
      expect(db).toMatchObject({ name, preset: 'mysql', user: 'test', password: 'pw1', database: 'app', rootPassword: expect.stringMatching(/^[\w-]{16}$/) });
      // A line the mysql client takes: checked with the client in the container, on the container's own port.
      expect(db.clientCommand).toBe(`mysql -h 127.0.0.1 -P ${db.port} -u test -ppw1 app`);
      const asClient = await sandpit(['exec', name, '--', 'sh', '-c', `${db.clientCommand.replace(`-P ${db.port}`, '-P 3306')} -N -e 'select current_user()'`]);
      expect([asClient.exitCode, asClient.stdout]).toEqual([0, 'test@%']);
      // A bare `mysql` logs in (as root): it said "Access denied for user 'root'@'localhost' (using password: NO)".
      const bare = await sandpit(['exec', name, '--', 'mysql', '-N', '-e', 'select current_user()']);
      expect([bare.exitCode, bare.stdout.trim()]).toEqual([0, 'root@localhost']);
      // As the service's user, by -u: it was given root's password ("Access denied … using password: YES").
      for (const user of [['-u', 'test'], ['-utest'], ['--user=test']]) {
        const asUser = await sandpit(['exec', name, '--', 'mysql', ...user, '-N', '-e', 'select current_user()']);
        expect([asUser.exitCode, asUser.stdout.trim()]).toEqual([0, 'test@%']);
      }
      // Typed as docker exec takes it, with no --: `-hpw1` held an h, which printed exec's help and exited 0, having run nothing.
      const undashed = await sandpit(['exec', name, 'mysql', '-h127.0.0.1', '-utest', '-ppw1', 'app', '-N', '-e', 'select current_user()']);
      expect([undashed.exitCode, undashed.stdout.trim()]).toEqual([0, 'test@%']);
      expect(await sandpit(['exec', '-T', name, 'mysql', '-N', '-e', 'select 1'])).toMatchObject({ exitCode: 0, stdout: '1' }); // compose's -T, docker's -t: no "Say which service"
      const prefix = `SANDPIT_${name.toUpperCase()}`;
      const env = Object.fromEntries(readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
      expect(env).toMatchObject({ [`${prefix}_HOST`]: '127.0.0.1', [`${prefix}_DATABASE`]: 'app', [`${prefix}_USER`]: 'test', [`${prefix}_PASSWORD`]: 'pw1', [`${prefix}_ROOT_PASSWORD`]: db.rootPassword });
      const listed = JSON.parse((await sandpit(['ls', '--json'])).stdout as string).find((s: { name: string }) => s.name === name);
      expect(listed).toMatchObject({ rootPassword: db.rootPassword, clientCommand: db.clientCommand });
      expect(env[`${prefix}_URL`]).toBe(`mysql://test:pw1@127.0.0.1:${env[`${prefix}_PORT`]}/app`);
    } finally {
      // Detached: nothing else removes it if an expectation above failed.
      expectExit(await sandpit(['down', name]), 0);
    }
    expect(await named(name)).toEqual([]);
  });

  test('the same up -d again keeps the running one, one of that name with other options is refused; down of a known and an unknown name removes the known one, and fails naming the other (as docker rm)', async () => {
    const name = unique('keep');
    const other = unique('other');
    const first = await sandpit(['up', 'redis', '-d', '--name', name, '--json']);
    expectExit(first, 0);
    expectExit(await sandpit(['up', 'redis', '-d', '--name', other]), 0);
    try {
      // As compose's up -d: up to date (it was NAME_IN_USE, exit 1, and a dev script that runs it each time failed).
      const same = await sandpit(['up', 'redis', '-d', '--name', name, '--json']);
      expectExit(same, 0);
      expect(JSON.parse(same.stdout as string)[0].containerId).toBe(JSON.parse(first.stdout as string)[0].containerId);
      expect(same.stderr).toContain(`sandpit: ${name}: already up as asked, kept (redis://127.0.0.1:`);
      const again = await sandpit(['up', 'redis', '-d', '--name', name, '--password', 'other']);
      expectExit(again, 1);
      expect(again.stderr).toMatch(new RegExp(`^sandpit: "${name}" already runs detached \\(redis://[^,]*, with other options: password\\).*\\(NAME_IN_USE\\)$`));
      // A CI trap's `down db cache` after `up cache` failed: all or nothing left the db it meant to remove.
      const down = await sandpit(['down', name, 'nosuchservice']);
      expectExit(down, 1);
      expect(down.stderr.trim().split('\n')).toEqual([
        `sandpit: removed 1 service: ${name}`,
        expect.stringMatching(new RegExp(`^sandpit: No detached or warm service named "nosuchservice" in this project \\(${esc(here)}\\)\\. Left running here: (.*, )?${other}(, .*)?\\. \\(NOT_FOUND\\)$`)),
      ]);
      expect(await named(name)).toEqual([]);
      expect(await named(other)).toHaveLength(1);
    } finally {
      await sandpit(['down', other]);
      await sandpit(['down', name]); // detached: nothing else would remove it if an expectation failed
    }
    expect(await named(name)).toEqual([]);
  });

  test('up -d of a name whose start is still under way (another up -d at work on it) is refused, not kept before it is ready', async () => {
    const name = unique('starting');
    // As another `up -d` leaves it while it starts: running, labelled with that live process as its starter.
    const starter = execa('sleep', ['60'], { reject: false });
    const [{ machine }, { LABEL }] = await Promise.all([import('../../lib/cleanup/machine.js'), import('../../lib/cleanup/labels.js')]);
    const labels = { [LABEL.managed]: 'true', [LABEL.session]: 'detached', [LABEL.name]: name, [LABEL.preset]: 'redis', [LABEL.project]: `${machine}:${process.cwd()}`, [LABEL.starter]: `${starter.pid}-0000` };
    const run = await execa('docker', ['run', '-d', ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]), await presetImage('redis')]);
    try {
      const second = await sandpit(['up', 'redis', '-d', '--name', name]);
      expectExit(second, 1);
      expect(second.stderr).toContain(`"${name}" already runs detached (still starting, by \`sandpit up\` pid ${starter.pid}: wait for it to finish)`);
    } finally {
      starter.kill();
      await execa('docker', ['rm', '-f', run.stdout.trim()]);
    }
  });

  test("two projects (folders, or --project) each have their detached service of one name: exec, ls and down take this project's", async () => {
    const [a, b] = [tempFolder('project-a'), tempFolder('project-b')];
    const name = unique('shared');
    try {
      // Two CI jobs on one engine: the second's up was refused, and its trap's down removed the first's.
      expectExit(await sandpit(['up', 'redis', '-d', '--name', name], { cwd: a }), 0);
      expectExit(await sandpit(['up', 'redis', '-d', '--name', name], { cwd: b }), 0);
      expectExit(await sandpit(['up', 'redis', '-d', '--name', name, '--project', 'job-42']), 0);
      expect(await named(name)).toHaveLength(3);
      const table = (await sandpit(['ls'])).stdout;
      for (const project of [a, b, 'job-42']) expect(table).toMatch(new RegExp(`^${name}\\s.*\\sdetached \\(${esc(shortFolder(project))}\\)\\s+running$`, 'm'));
      await sandpit(['exec', name, '--', 'redis-cli', 'set', 'who', 'a'], { cwd: a });
      expect((await sandpit(['exec', name, '--', 'redis-cli', 'get', 'who'], { cwd: b })).stdout.trim()).toBe('');
      expect((await sandpit(['exec', name, '--', 'redis-cli', 'get', 'who'], { cwd: a })).stdout.trim()).toBe('a');
      const elsewhere = await sandpit(['down', name]);
      expectExit(elsewhere, 1);
      expect(elsewhere.stderr).toContain(`No detached or warm service named "${name}" in this project (${here}). "${name}" runs detached for other projects: job-42, ${shortFolder(b)}, ${shortFolder(a)}: run \`sandpit down\` in its folder (or with its --project), or give its id (see \`sandpit ls\`).`);
      expectExit(await sandpit(['down', name], { cwd: b }), 0);
      expectExit(await sandpit(['down', name], { env: { SANDPIT_PROJECT: 'job-42' } }), 0);
      const one = await sandpit(['down', name]);
      expect(one.stderr).toContain(`"${name}" runs detached for another project, ${shortFolder(a)}: run`);
      expect(await named(name)).toHaveLength(1);
      // The only one left is still another project's: not by name from here (it could be another job's), by --project.
      expectExit(await sandpit(['exec', name, '--', 'redis-cli', 'get', 'who']), 1);
      expect((await sandpit(['exec', name, '--project', a, '--', 'redis-cli', 'get', 'who'])).stdout.trim()).toBe('a');
      // Another machine (here: another pid namespace, as a CI job's container) in the same folder is another project.
      // unshare needs root (as CI has); elsewhere this part is left out.
      if (process.getuid?.() !== 0) return;
      const jobContainer = await execa('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, main, 'up', 'redis', '-d', '--name', name], { cwd: a, reject: false });
      expectExit(jobContainer, 0);
      expect(await named(name)).toHaveLength(2);
      expect((await sandpit(['ls'])).stdout).toMatch(new RegExp(`^${name}\\s.*\\sdetached \\(${esc(a)} on ${esc(os.hostname())}\\)\\s+running$`, 'm'));
      expectExit(await sandpit(['down', name], { cwd: a }), 0);
      const [left] = await named(name);
      // By id: another project's too (an id names no other service by chance).
      expectExit(await sandpit(['down', left!.slice(0, 12)]), 0);
    } finally {
      for (const cwd of [a, b]) await sandpit(['down', name], { cwd });
      await sandpit(['down', name, '--project', 'job-42']);
    }
    expect(await named(name)).toEqual([]);
  });

  test('a detached service labelled with the bare folder (before the machine was part of a project) is still this folder\'s', async () => {
    const name = unique('bare');
    const image = await presetImage('redis');
    const { stdout: id } = await execa('docker', ['run', '-d', '--label', 'sandpit=true', '--label', `sandpit.name=${name}`, '--label', 'sandpit.preset=redis', '--label', 'sandpit.session=detached', '--label', `sandpit.project=${process.cwd()}`, image]);
    try {
      const down = await sandpit(['down', name]);
      expectExit(down, 0);
      expect(await named(name)).toEqual([]);
    } finally {
      await execa('docker', ['rm', '-f', id], { reject: false });
    }
  });

  test('two detached starts of one name at once: one container; the other is refused with NAME_IN_USE, or keeps it once it was ready', async () => {
    const name = unique('twin');
    const both = await Promise.all([1, 2].map(() => sandpit(['up', 'redis', '-d', '--name', name])));
    try {
      // Which the second sees depends on timing: the first's container mid-start (refused), or ready (kept, as up -d again).
      const second = both.find((r) => r.exitCode === 1) ?? both.find((r) => r.stderr.includes('already up as asked, kept'));
      expect(second).toBeDefined();
      if (second!.exitCode === 1) expect(second!.stderr).toMatch(new RegExp(`^sandpit: "${name}" already runs detached.*\\(NAME_IN_USE\\)$`, 'm'));
      expect(both.filter((r) => r.exitCode === 0)).toHaveLength(second!.exitCode === 1 ? 1 : 2);
      expect(await named(name)).toHaveLength(1);
    } finally {
      await sandpit(['down', name]);
    }
  });

  test('foreground up: plain lines without a terminal, stays until Ctrl-C, then removes everything and exits 130', async () => {
    const name = unique('site');
    const child = sandpit(['up', 'httpd', '--name', name]);
    await readyLine(child);
    expect(await named(name)).toHaveLength(1);
    child.kill('SIGINT');
    const result = await child;
    expectExit(result, 130);
    // The url, and under it a line to paste; one service is "it".
    expect(result.stdout).toMatch(new RegExp(`^${name}  (http://127\\.0\\.0\\.1:\\d+/)\n {${name.length}}  curl \\1$`));
    expect(result.stderr).toContain('sandpit: press Ctrl-C to stop and remove it\n');
    expect(result.stderr).toContain(`sandpit: ${name}: waiting until it answers`);
    expect(result.stderr).toContain(`sandpit: ${name}: ready`);
    expect(result.stderr).not.toContain('no longer answers'); // Ctrl-C's own removal is not reported as a death
    expect(await named(name)).toEqual([]);
  });

  test('foreground up says when its service dies under it (docker rm -f), and with none left ends 1, leaving nothing', async () => {
    const name = unique('dies');
    const child = sandpit(['up', 'redis', '--name', name]);
    await readyLine(child);
    const [id] = await named(name);
    await execa('docker', ['rm', '-f', id!]);
    const result = await child;
    expectExit(result, 1);
    // Whole lines; execa drops the last newline, and which line comes last depends on who removed the container first.
    expect(result.stderr).toMatch(new RegExp(`^sandpit: ${name} stopped \\(exit code 137: killed\\); it no longer answers$`, 'm'));
    expect(result.stderr).toMatch(/^sandpit: every service has ended; nothing left to serve$/m);
    expect(await named(name)).toEqual([]);
  });

  test('ls of a detached service whose container stopped: no url (it read redis://127.0.0.1:0), its state', async () => {
    const name = unique('stopped');
    const up = await sandpit(['up', 'redis', '--detach', '--json', '--name', name]);
    expectExit(up, 0);
    const { containerId } = (JSON.parse(up.stdout as string) as { containerId: string }[])[0]!;
    try {
      await execa('docker', ['kill', containerId]);
      const table = await sandpit(['ls']);
      expect(table.stdout).toMatch(new RegExp(`^${name}\\s+[0-9a-f]{12}\\s+redis\\s+-\\s+\\d+s\\s+detached \\(${esc(here)}\\)\\s+exited$`, 'm'));
      const listed = (JSON.parse((await sandpit(['ls', '--json'])).stdout as string) as { name: string; url: string }[]).find((s) => s.name === name);
      expect(listed?.url).toBe('');
      // The name is still taken: said with its state, not an empty url (it read "already runs detached ()").
      expect((await sandpit(['up', 'redis', '--detach', '--name', name])).stderr).toContain(`"${name}" already runs detached (exited)`);
    } finally {
      await sandpit(['down', name]);
    }
  });

  test("a foreground up's --env-out file goes with its services at Ctrl-C; one changed since stays", async () => {
    const dir = tempFolder('envout');
    for (const edited of [false, true]) {
      const file = path.join(dir, `.env.${edited ? 'edited' : 'dev'}`);
      const child = sandpit(['up', 'redis', '--name', unique('envout'), '--env-out', file]);
      await readyLine(child);
      expect(readFileSync(file, 'utf8')).toMatch(/^SANDPIT_ENVOUT\w*_URL=redis:/m);
      if (edited) writeFileSync(file, 'MINE=1\n');
      child.kill('SIGINT');
      expectExit(await child, 130);
      expect(readdirSync(dir).includes(path.basename(file))).toBe(edited); // it pointed at ports that are gone
    }
  });

  test('--env-out "$GITHUB_ENV" adds its lines to what earlier steps put there (as GitHub asks), not refused for them', async () => {
    const githubEnv = path.join(tempFolder('github-env'), 'set_env_1');
    writeFileSync(githubEnv, 'FROM_AN_EARLIER_STEP=1\n');
    const name = unique('ghenv');
    try {
      const up = await sandpit(['up', '-d', 'redis', '--name', name, '--env-out', githubEnv], { env: { GITHUB_ENV: githubEnv } });
      expectExit(up, 0);
      expect(readFileSync(githubEnv, 'utf8')).toMatch(new RegExp(`^FROM_AN_EARLIER_STEP=1\nSANDPIT_${name.toUpperCase()}_URL=redis://`));
    } finally {
      await sandpit(['down', name]);
    }
  });

  test("a failed up takes an older env file of sandpit's away (a later CI step read dead ports from it); another program's stays as it was", async () => {
    const dir = tempFolder('envstale');
    const file = path.join(dir, '.env.ci');
    writeFileSync(file, 'SANDPIT_OLD_URL=redis://127.0.0.1:1\n');
    const name = unique('stale');
    const failed = await sandpit(['up', '-d', 'redis', '--name', name, '--init', 'NOSUCHCOMMAND', '--env-out', file]);
    expectExit(failed, 1);
    expect(failed.stderr).toContain('INIT_SCRIPT_FAILED');
    expect(readdirSync(dir)).toEqual([]);
    expect(await named(name)).toEqual([]);
    // Not sandpit's: other variables, sandpit's own settings (SANDPIT_PROJECT is not a line it writes), other text.
    for (const [file, text, held] of [['.env', 'MINE=1\n', 'MINE'], ['.env.settings', 'SANDPIT_PROJECT=shop\n', 'SANDPIT_PROJECT'], ['config.yml', 'key: value\n', 'other text']] as const) {
      const theirs = path.join(dir, file);
      writeFileSync(theirs, text);
      const refused = await sandpit(['up', '-d', 'redis', '--name', name, '--env-out', theirs]);
      expectExit(refused, 1);
      expect(refused.stderr).toContain(`it holds ${held}, which writing it would erase`);
      expect(readFileSync(theirs, 'utf8')).toBe(text);
    }
    // An older file of services that still run (an earlier up -d's) stays true: a failed up keeps it.
    const kept = path.join(dir, '.env.kept');
    const running = unique('keptenv');
    expectExit(await sandpit(['up', '-d', 'redis', '--name', running, '--env-out', kept]), 0);
    try {
      const before = readFileSync(kept, 'utf8');
      expectExit(await sandpit(['up', '-d', 'redis', '--name', name, '--init', 'NOSUCHCOMMAND', '--env-out', kept]), 1);
      expect(readFileSync(kept, 'utf8')).toBe(before);
    } finally {
      await sandpit(['down', running]);
      if ((await named(name)).length > 0) await sandpit(['down', name]); // a refusal that failed started it
    }
  });

  test("exec by a name two services share takes this folder's: its detached one, or the one a process here runs; elsewhere it asks for the id", async () => {
    const [mine, theirs, nowhere] = [tempFolder('name-a'), tempFolder('name-b'), tempFolder('name-c')];
    const name = unique('shared');
    expectExit(await sandpit(['up', '-d', 'redis', '--name', name], { cwd: mine }), 0);
    const foreground = sandpit(['up', 'redis', '--name', name], { cwd: theirs }); // another terminal's, same name
    try {
      await readyLine(foreground);
      const [detachedId] = await containersWith(`sandpit.name=${name}`, 'sandpit.session=detached');
      const all = await named(name);
      expect(all).toHaveLength(2);
      const whose = async (cwd: string) => sandpit(['exec', name, '--', 'hostname'], { cwd });
      const fromMine = await whose(mine);
      expect({ exit: fromMine.exitCode, id: fromMine.stdout.trim() }).toEqual({ exit: 0, id: detachedId!.slice(0, 12) });
      const fromTheirs = await whose(theirs);
      expect({ exit: fromTheirs.exitCode, id: fromTheirs.stdout.trim() }).toEqual({ exit: 0, id: all.find((id) => id !== detachedId)!.slice(0, 12) });
      // From a folder with none of that name: another project's is not taken by name (a CI job's `exec cache --
      // redis-cli flushall` emptied another job's cache, its own having none): by its id or --project only.
      const elsewhere = await whose(nowhere);
      expectExit(elsewhere, 1);
      expect(elsewhere.stderr).toMatch(new RegExp(`^sandpit: No service named "${name}" in this project \\(${esc(nowhere)}\\); some run elsewhere: [0-9a-f]{12} (for ${esc(mine)}|of a process in another folder \\(pid \\d+\\)), [0-9a-f]{12} .*Give its id .*\\(NOT_FOUND\\)$`, 'm'));
      const byProject = await sandpit(['exec', name, '--project', mine, '--', 'hostname'], { cwd: nowhere });
      expect({ exit: byProject.exitCode, id: byProject.stdout.trim() }).toEqual({ exit: 0, id: detachedId!.slice(0, 12) });
      expect((await sandpit(['logs', name, '--project', mine], { cwd: nowhere })).exitCode).toBe(0);
      const byId = await sandpit(['exec', detachedId!.slice(0, 12), '--', 'hostname'], { cwd: nowhere });
      expect({ exit: byId.exitCode, id: byId.stdout.trim() }).toEqual({ exit: 0, id: detachedId!.slice(0, 12) });
      // Bare down where a foreground up runs: nothing detached here, and whose they are is said.
      const bare = await sandpit(['down', '--dry-run'], { cwd: theirs });
      expect(bare.stderr.trim().split('\n')).toEqual(['sandpit: would remove 0 services', expect.stringMatching(new RegExp(`^sandpit: ${name} belongs to a process running here \\(pid \\d+, a foreground \`sandpit up\` or a test run\\): end it, and they go with it$`))]);
    } finally {
      foreground.kill('SIGINT');
      await foreground;
      await sandpit(['down', name], { cwd: mine });
    }
    expect(await named(name)).toEqual([]);
  });

  test("down with no names removes this project's detached services (as docker compose down), not another folder's; --project <folder> names that folder's", async () => {
    const [mine, other] = [tempFolder('down-mine'), tempFolder('down-other')];
    const [a, b, c] = [unique('dna'), unique('dnb'), unique('dnc')];
    expectExit(await sandpit(['up', '-d', 'redis', '--name', a], { cwd: mine }), 0);
    expectExit(await sandpit(['up', '-d', 'redis', '--name', b], { cwd: mine }), 0);
    expectExit(await sandpit(['up', '-d', 'redis', '--name', c], { cwd: other }), 0);
    // An older sandpit's detached service: no project label ("everyone's" to a name), or the bare folder (every job
    // container checked out at one path shares it). Another job's, on a shared engine: not this bare down's.
    const legacy = unique('dnlegacy');
    const old = await execa('docker', ['run', '-d', '--label', 'sandpit=true', '--label', 'sandpit.session=detached', '--label', `sandpit.name=${legacy}`, '--label', 'sandpit.preset=redis', '--label', `sandpit.project=${mine}`, await presetImage('redis')]);
    try {
      const dry = await sandpit(['down', '--dry-run'], { cwd: mine });
      expectExit(dry, 0);
      expect(dry.stderr).toMatch(new RegExp(`^sandpit: would remove 2 services: (${a}, ${b}|${b}, ${a})$`, 'm'));
      // From elsewhere, a folder as --project is that folder's project: as a bare name it matched nothing. (Not
      // SANDPIT_PROJECT: a CI may set its checkout's path there on purpose, as a name that jobs on several machines share.)
      const viaFlag = await sandpit(['down', '--project', mine, '--dry-run'], { cwd: other });
      expect(viaFlag.stderr).toMatch(new RegExp(`^sandpit: would remove 2 services: (${a}, ${b}|${b}, ${a})$`, 'm'));
      // From a subfolder (compose finds its project from one): nothing of its own, and where they are said.
      const sub = path.join(mine, 'src');
      mkdirSync(sub);
      const below = await sandpit(['down', '--dry-run'], { cwd: sub });
      expectExit(below, 0);
      expect(below.stderr.trim().split('\n')).toEqual([
        'sandpit: would remove 0 services',
        expect.stringMatching(new RegExp(`^sandpit: ${esc(shortFolder(mine))}, a folder above, has (${a}, ${b}|${b}, ${a}): run \`sandpit down\` there, or \`sandpit down --project ${esc(mine)}\`$`)),
      ]);
      // From a folder above (a monorepo's root): its packages' are said too ("would remove 0 services", and no more).
      const parent = tempFolder('dn-mono');
      const pkg = path.join(parent, 'packages', 'api');
      mkdirSync(pkg, { recursive: true });
      const d = unique('dnd');
      expectExit(await sandpit(['up', '-d', 'redis', '--name', d], { cwd: pkg }), 0);
      try {
        const atRoot = await sandpit(['down', '--dry-run'], { cwd: parent });
        expect(atRoot.stderr.trim().split('\n')).toEqual([
          'sandpit: would remove 0 services',
          `sandpit: ${shortFolder(pkg)}, a folder below, has ${d}: run \`sandpit down\` there, or \`sandpit down --project ${pkg}\``,
        ]);
      } finally {
        await sandpit(['down', d], { cwd: pkg });
      }
      const relative = await sandpit(['down', a, '--project', path.relative(other, mine), '--dry-run'], { cwd: other });
      expect({ exit: relative.exitCode, stderr: relative.stderr.trim() }).toEqual({ exit: 0, stderr: `sandpit: would remove 1 service: ${a}` });
      expectExit(await sandpit(['down'], { cwd: mine }), 0);
      expect([...(await named(a)), ...(await named(b))]).toEqual([]);
      expect(await named(c)).toHaveLength(1);
    } finally {
      for (const [name, cwd] of [[a, mine], [b, mine], [c, other]] as const) if ((await named(name)).length > 0) await sandpit(['down', name], { cwd });
      expect(await named(legacy)).toHaveLength(1);
      await execa('docker', ['rm', '-f', old.stdout.trim()]);
    }
  });

  test('a box (ubuntu) says how to get in: sandpit exec <name> -- bash, in plain output and --json (it showed shell://… alone); exec takes -u, -w and -e', async () => {
    const name = unique('box');
    const up = await sandpit(['up', '-d', 'ubuntu', '--name', name]);
    try {
      expectExit(up, 0);
      expect(up.stdout).toBe(`${name}  shell://127.0.0.1\n${' '.repeat(name.length)}  sandpit exec ${name} -- bash`);
      const [listed] = JSON.parse((await sandpit(['ls', '--json'])).stdout as string).filter((s: { name: string }) => s.name === name);
      expect(listed.clientCommand).toBe(`sandpit exec ${name} -- bash`);
      const inside = await sandpit(['exec', name, '--', 'bash', '-c', 'echo in']);
      expect(inside.stdout).toBe('in');
      // docker exec's -u, -w and -e, typed from habit (they were "Unknown argument: u"), by the engine API and with -i by the docker CLI.
      const how = ['-unobody', '-w', '/tmp', '-e', 'A=a', '-eB', name, 'sh', '-c', 'echo $(id -un) $(pwd) $A$B'];
      expect(await sandpit(['exec', ...how], { env: { B: 'b' } })).toMatchObject({ exitCode: 0, stdout: 'nobody /tmp ab' });
      expect(await sandpit(['exec', '-i', ...how], { env: { B: 'b' }, input: '' })).toMatchObject({ exitCode: 0, stdout: 'nobody /tmp ab' });
    } finally {
      await sandpit(['down', name]);
    }
  });

  test('foreground up ended by SIGTERM exits 143 and leaves nothing', async () => {
    const name = unique('term');
    const child = sandpit(['up', 'redis', '--name', name]);
    await readyLine(child);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(143);
    expect(await named(name)).toEqual([]);
  });

  test('foreground up whose parent ended without passing a signal on (npx killed by `kill $!`): it removes its services and exits', async () => {
    const name = unique('orphan');
    // A shell that waits for sandpit (`; true`: not replaced by it), as npm's is; killed outright, as npm ends.
    const parent = execa('sh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(main)} up redis --name ${name}; true`], { reject: false, all: true });
    try {
      await saw(parent, 'ready');
      expect(await named(name)).toHaveLength(1);
      parent.kill('SIGKILL'); // not awaited: its output pipe is sandpit's too, open while sandpit runs
      // It ran on under pid 1, its redis up, until killed by hand.
      expect(await eventually(async () => (await named(name)).length === 0, 10_000)).toBe(true);
      expect(await eventually(async () => (await execa('pgrep', ['-f', '--', `--name ${name}`], { reject: false })).stdout === '', 5000)).toBe(true);
    } finally {
      await execa('pkill', ['-f', '--', `--name ${name}`], { reject: false });
      await parent;
      if ((await named(name)).length > 0) await sandpit(['down', name]);
    }
  });

  test('Ctrl-C while still starting removes the half-started container, detached or not, and exits 130', async () => {
    // The last while its snapshot is being taken (a prefix of its own: none is there), which a detached `up`
    // left to the watchdog, after it had exited.
    const fresh = { SANDPIT_SNAPSHOT_PREFIX: `sandpit-early-${process.pid}` };
    for (const [detach, env] of [[[], {}], [['--detach'], {}], [['--detach'], fresh]] as const) {
      const name = unique('early');
      const child = sandpit(['up', 'mysql', '--name', name, ...detach], { env });
      await saw(child, 'waiting until it answers');
      child.kill('SIGINT');
      const result = await child;
      expectExit(result, 130);
      expect(result.stderr).not.toMatch(/\(NOT_READY\)/); // the cleanup, not a start failure, has the last word
      expect(await named(name)).toEqual([]);
    }
  });

  // Other files' prunes would take the idle warm containers these hand back and take over.
  describe('with reuse on', () => {
    holdOffPrunes();

    // SANDPIT_REUSE=force: the suite may run under CI, where reuse is otherwise off. A short idle time:
    // whatever a failing test leaves, the reaper removes soon.
    const warmEnv = { SANDPIT_REUSE: 'force', SANDPIT_REUSE_IDLE: '60000' };

    test('with reuse on, Ctrl-C hands the service back warm: the next up takes that container over after a reset', async () => {
      const name = unique('warm');
      try {
        const first = sandpit(['up', 'redis', '--name', name], { env: warmEnv });
        await readyLine(first);
        const [id] = await named(name);
        expect((await execa('docker', ['exec', id!, 'redis-cli', 'SET', 'left', 'by-first'])).stdout).toBe('OK');
        first.kill('SIGINT');
        const ended = await first;
        expectExit(ended, 130);
        expect(ended.stderr).toContain('sandpit: press Ctrl-C to hand it back: reuse is on, so it stays warm for the next run and goes after 1 min unused');
        expect(ended.stderr).toContain('sandpit: handed 1 service back: warm for the next run');
        expect(ended.stderr).not.toContain('removed 0 containers');
        expect(await named(name)).toEqual([id]);
        // doctor counts it as warm, not as left behind by a process that is gone.
        const doctor = await sandpit(['doctor']);
        expect(doctor.stdout).toContain(`${name} (redis, warm, running)`);
        expect(doctor.stdout).not.toContain('pid NaN');

        // Right away: a lock left held by the first run would make this one start its own.
        const second = sandpit(['up', 'redis', '--name', name], { env: warmEnv });
        await readyLine(second);
        expect(await named(name)).toEqual([id]);
        expect((await execa('docker', ['exec', id!, 'redis-cli', 'EXISTS', 'left'])).stdout).toBe('0');
        second.kill('SIGINT');
        const again = await second;
        expectExit(again, 130);
        expect(again.stderr).toContain(`sandpit: ${name}: reused from an earlier run, after a reset`);
        expectExit(await sandpit(['down', name]), 0);
        // The reset's note (lib/reuse/clean-mark.ts) goes with the container.
        expect(readdirSync(os.tmpdir()).filter((f) => f.includes(id!))).toEqual([]);
      } finally {
        await sandpit(['down', name]);
      }
      expect(await named(name)).toEqual([]);
    });

    test("exec by a name that an idle warm copy (a finished run's) shares takes the one a running up holds", async () => {
      const name = unique('held');
      const first = sandpit(['up', 'redis', '--name', name], { env: warmEnv });
      try {
        await readyLine(first);
        const [held] = await named(name);
        // Another terminal's up of the same name starts its own (the first's is held), and hands it back warm.
        const second = sandpit(['up', 'redis', '--name', name], { env: warmEnv });
        await readyLine(second);
        expect(await named(name)).toHaveLength(2);
        second.kill('SIGINT');
        expectExit(await second, 130);
        // It said "matches 2 services … Give the id": the idle copy is a cache for the next run, not the developer's.
        const exec = await sandpit(['exec', name, '--', 'hostname']);
        expect({ exit: exec.exitCode, id: exec.stdout.trim(), err: exec.stderr }).toEqual({ exit: 0, id: held!.slice(0, 12), err: '' });
      } finally {
        first.kill('SIGINT');
        await first;
        await Promise.all((await named(name)).map((id) => execa('docker', ['rm', '-f', id])));
      }
    });

    test('with reuse on and no --name: Ctrl-C hands back each service (kept by its preset name), and the next up takes both over', async () => {
      // Only warm ones of these names: other suites start unnamed redis services of their own.
      const warmOnes = async () => (await Promise.all(['redis', 'ubuntu'].map((n) => containersWith(`sandpit.name=${n}`, 'sandpit.reuse')))).flat().sort();
      try {
        const first = sandpit(['up', 'redis', 'ubuntu'], { env: warmEnv });
        await readyLine(first);
        const ids = await warmOnes();
        expect(ids).toHaveLength(2);
        first.kill('SIGINT');
        const ended = await first;
        expectExit(ended, 130);
        expect(ended.stderr).toContain('sandpit: press Ctrl-C to hand them back');
        expect(ended.stderr).toContain('sandpit: handed 2 services back: warm for the next run');
        const second = sandpit(['up', 'redis', 'ubuntu'], { env: warmEnv });
        await readyLine(second);
        second.kill('SIGINT');
        const again = await second;
        expect(again.stderr).toContain('sandpit: redis: reused from an earlier run, after a reset');
        expect(again.stderr).toContain('sandpit: ubuntu: reused from an earlier run, untouched since it started');
        expect(await warmOnes()).toEqual(ids);
      } finally {
        await sandpit(['down', 'redis', 'ubuntu']);
      }
      expect(await warmOnes()).toEqual([]);
    });

    test('with reuse on, Ctrl-C while the warm service is still starting removes it', async () => {
      const name = unique('warmearly');
      const child = sandpit(['up', 'mysql', '--name', name], { env: warmEnv });
      await saw(child, 'waiting until it answers');
      // The warm container itself (a claim label), not the one that takes mysql's snapshot if none is cached yet.
      expect(await eventually(async () => (await containersWith(`sandpit.name=${name}`, 'sandpit.reuse.claim')).length === 1, 60_000, 20)).toBe(true);
      child.kill('SIGINT');
      const result = await child;
      expectExit(result, 130);
      expect(result.stderr).toContain('sandpit: removed 1 half-started warm container');
      expect(await named(name)).toEqual([]);
    });

    // Guards behaviour that comes from proper-lockfile (it lets go of a process's locks as it exits), which
    // an earlier note wrongly listed as a gap ("stale within 10 s"): it passed before any change here.
    test('with reuse on, Ctrl-C before all are ready leaves a service taken over from an earlier run free: the next up takes it', async () => {
      const cache = unique('warmlet');
      const db = unique('warmletdb');
      const project = (services: object) => {
        const dir = tempFolder('up-letgo');
        writeFileSync(path.join(dir, 'sandpit.config.json'), JSON.stringify({ services }));
        return dir;
      };
      const cacheOnly = project({ [cache]: { preset: 'redis' } });
      const both = project({ [cache]: { preset: 'redis' }, [db]: { preset: 'mysql' } });
      try {
        const first = sandpit(['up'], { env: warmEnv, cwd: cacheOnly });
        await readyLine(first);
        const [id] = await named(cache);
        first.kill('SIGINT');
        expectExit(await first, 130);

        // Takes the warm redis over, and is stopped while its warm mysql is still starting.
        const second = sandpit(['up'], { env: warmEnv, cwd: both });
        await saw(second, 'waiting until it answers');
        expect(await eventually(async () => (await containersWith(`sandpit.name=${db}`, 'sandpit.reuse.claim')).length === 1, 60_000, 20)).toBe(true);
        second.kill('SIGINT');
        const stopped = await second;
        expectExit(stopped, 130);
        expect(await named(db)).toEqual([]);

        // Right away: a lock left held would make this run start a redis of its own.
        const third = sandpit(['up'], { env: warmEnv, cwd: cacheOnly });
        await readyLine(third);
        expect(await named(cache)).toEqual([id]);
        third.kill('SIGINT');
        expect((await third).stderr).toContain(`sandpit: ${cache}: reused from an earlier run, after a reset`);
      } finally {
        // One at a time: `down` of a name with nothing left (db, when this passes) fails before removing any.
        for (const name of [cache, db]) await sandpit(['down', name]);
      }
      expect(await named(cache)).toEqual([]);
    });
  });

  test('up killed with SIGKILL is reaped within 15 s', async () => {
    const name = unique('killed');
    const child = sandpit(['up', 'redis', '--name', name]);
    await readyLine(child);
    child.kill('SIGKILL');
    await child;
    expect(await eventually(async () => (await named(name)).length === 0, 15_000)).toBe(true);
  });

  test('plain lines: "ready in N s", and a ready service a failed neighbour takes with it is said removed', async () => {
    const project = tempFolder('plain-fail');
    const [kv, db] = [unique('kv'), unique('db')];
    writeFileSync(path.join(project, 'sandpit.config.json'), JSON.stringify({ services: { [kv]: { preset: 'redis' }, [db]: { preset: 'mysql', snapshot: false, initScripts: ['SELECT * FROM nope;'] } } }));
    const result = await sandpit(['up', '--detach'], { cwd: project });
    expectExit(result, 1);
    expect(result.stderr).toMatch(new RegExp(`^sandpit: ${kv}: ready in \\d+\\.\\d s$`, 'm'));
    expect(result.stderr).toMatch(new RegExp(`^sandpit: ${kv}: removed, as ${db} failed$`, 'm'));
    expect(result.stderr).toContain('INIT_SCRIPT_FAILED');
    expect([...(await named(kv)), ...(await named(db))]).toEqual([]);
  });

  test('up --detach killed with SIGKILL while one service still starts: the one already ready goes too (all or nothing, as at Ctrl-C)', async () => {
    const project = tempFolder('detached-kill');
    const [kv, db] = [unique('kv'), unique('db')];
    // mysql without a snapshot initialises for seconds: the redis is ready long before.
    writeFileSync(path.join(project, 'sandpit.config.json'), JSON.stringify({ services: { [kv]: { preset: 'redis' }, [db]: { preset: 'mysql', snapshot: false } } }));
    const child = sandpit(['up', '--detach'], { cwd: project });
    await saw(child, `${kv}: ready`);
    expect(await named(db)).toHaveLength(1);
    child.kill('SIGKILL');
    await child;
    expect(await eventually(async () => [...(await named(kv)), ...(await named(db))].length === 0, 15_000)).toBe(true);
  });

  test('on a terminal, a live line per service (without colour under NO_COLOR)', async () => {
    const name = unique('live');
    const tty = await onTerminal(`up redis --detach --name ${name}`, { cols: 100, env: { NO_COLOR: '1' } });
    expect(tty.exitCode).toBe(0);
    expect(tty.stdout).not.toMatch(/\u001B\[3\dm/); // NO_COLOR: no colour, still a live line
    expect(stripVTControlCharacters(tty.stdout)).toMatch(new RegExp(`✔ ${name}  ready in \\d+\\.\\d s`));
    expect(tty.stdout).not.toContain(`sandpit: ${name}: starting`);
    await sandpit(['down', name]);
    expect(await named(name)).toEqual([]);
    // CI=false is no CI (as the reuse setting reads it): the live line still (it gave plain lines).
    const off = await onTerminal(`up redis --detach --name ${name}`, { cols: 100, env: { NO_COLOR: '1', CI: 'false' } });
    try {
      expect(off.exitCode).toBe(0);
      expect(stripVTControlCharacters(off.stdout)).toMatch(new RegExp(`✔ ${name}  ready in \\d+\\.\\d s`));
    } finally {
      await sandpit(['down', name]);
    }
    expect(await named(name)).toEqual([]);
    // TERM=dumb moves no cursor: plain lines there (the spinner was escape codes).
    const dumb = await onTerminal(`up redis --detach --name ${name}`, { cols: 100, env: { NO_COLOR: '1', TERM: 'dumb' } });
    try {
      expect(dumb.exitCode).toBe(0);
      expect(dumb.stdout).toMatch(new RegExp(`sandpit: ${name}: ready in \\d+\\.\\d s`));
      expect(dumb.stdout).not.toMatch(/\u001B\[/);
    } finally {
      await sandpit(['down', name]);
    }
    expect(await named(name)).toEqual([]);
  });

  test("a config service's setup command runs after its start, with its variables; a failing one removes what up started", async () => {
    const dir = tempFolder('setup');
    const name = unique('setupcache');
    const prefix = `SANDPIT_${name.toUpperCase()}`;
    // What a migration tool does, with no dependency: writes to the service, at the variables it is given.
    writeFileSync(path.join(dir, 'setup.mjs'), `import net from 'node:net';
const socket = net.connect(Number(process.env.${prefix}_PORT), process.env.${prefix}_HOST);
socket.on('connect', () => socket.write('*3\\r\\n$3\\r\\nSET\\r\\n$8\\r\\ngreeting\\r\\n$10\\r\\nfrom-setup\\r\\n'));
socket.on('data', () => socket.end());
`);
    writeFileSync(path.join(dir, 'sandpit.config.json'), JSON.stringify({ services: { [name]: { preset: 'redis', setup: 'node setup.mjs' } } }));
    const marker = `sandpit-setup-${process.pid}-${Date.now()}`;
    // What is left, as ps says it (parent, group, state): a failure in CI (once, not seen again here) said only "false".
    const leftovers = async () => {
      const pids = (await execa('pgrep', ['-f', marker], { reject: false })).stdout.trim().split('\n').filter(Boolean);
      if (pids.length === 0) return '';
      return (await execa('ps', ['-o', 'pid,ppid,pgid,stat,etime,args', '-p', pids.join(',')], { reject: false })).stdout;
    };
    try {
      expectExit(await sandpit(['up', '-d'], { cwd: dir }), 0);
      expect((await sandpit(['exec', name, '--', 'redis-cli', 'get', 'greeting'], { cwd: dir })).stdout).toBe('from-setup');
      expectExit(await sandpit(['down', name], { cwd: dir }), 0);
      writeFileSync(path.join(dir, 'sandpit.config.json'), JSON.stringify({ services: { [name]: { preset: 'redis', setup: 'echo no such table >&2; exit 2' } } }));
      const failed = await sandpit(['up', '-d'], { cwd: dir });
      expectExit(failed, 1);
      // The first line says why (the rest is behind --verbose): its last line of output.
      expect(failed.stderr).toContain(`sandpit: ${name}: its setup command failed (exit 2: no such table): fix what it runs`);
      expect(await named(name)).toEqual([]);

      // One that never ends (a migration waiting on a lock) gets the service's startupTimeout; the processes it
      // started go with it, and with sandpit ended by a signal to it alone (a CI cancel): they were left running.
      writeFileSync(path.join(dir, 'sandpit.config.json'), JSON.stringify({ services: { [name]: { preset: 'redis', startupTimeout: 3000, setup: `sleep 300 # ${marker}` } } }));
      const stuck = await sandpit(['up', '-d'], { cwd: dir });
      expectExit(stuck, 1);
      expect(stuck.stderr).toContain(`sandpit: ${name}: its setup command did not finish within 3 s (waiting on a lock, or a prompt?)`);
      expect(await leftovers()).toBe('');
      writeFileSync(path.join(dir, 'sandpit.config.json'), JSON.stringify({ services: { [name]: { preset: 'redis', setup: `sleep 300 # ${marker}` } } }));
      const interrupted = sandpit(['up', '-d'], { cwd: dir });
      await saw(interrupted, `${name}: setup: sleep 300`);
      expect(await eventually(async () => (await leftovers()) !== '', 5000)).toBe(true); // said just before its spawn
      interrupted.kill('SIGTERM');
      await interrupted;
      await eventually(async () => (await leftovers()) === '', 10_000);
      expect(await leftovers()).toBe('');
      expect(await eventually(async () => (await named(name)).length === 0, 10_000)).toBe(true);
      // Killed outright during the setup: its start never finished, so the watchdog removes the service (it was
      // kept as soon as the container was ready, and stayed without its schema), and ends the setup's processes
      // (told of their group): they ran on, against a service that was gone.
      const killed = sandpit(['up', '-d'], { cwd: dir });
      await saw(killed, `${name}: setup: sleep 300`);
      expect(await eventually(async () => (await leftovers()) !== '', 5000)).toBe(true); // said just before its spawn
      killed.kill('SIGKILL');
      await killed.catch(() => {});
      await eventually(async () => (await leftovers()) === '', 10_000);
      expect(await leftovers()).toBe('');
      expect(await eventually(async () => (await named(name)).length === 0, 20_000)).toBe(true);
    } finally {
      await execa('pkill', ['-f', marker], { reject: false });
      if ((await named(name)).length > 0) await sandpit(['down', name], { cwd: dir });
    }
  });

  test('with no names, up starts the services of sandpit.config.json; flags still apply', async () => {
    const up = await sandpit(['up', '--detach', '--json', '--password', 'cfgpw'], { cwd: configDir });
    expectExit(up, 0);
    const services = JSON.parse(up.stdout as string) as { name: string; url: string }[];
    expect(services.map((s) => s.name)).toEqual(['clicache', 'cliweb']);
    expect(services[0]!.url).toMatch(/^redis:\/\/:cfgpw@127\.0\.0\.1:\d+$/);
    expect(await (await fetch(services[1]!.url)).text()).toContain('from the config');
    // One of them removed, up -d again: the other kept, the missing one started, and the env file names both
    // (it failed on the running one, and `up -d clicache --env-out` wrote a file without cliweb).
    expectExit(await sandpit(['down', 'clicache'], { cwd: configDir }), 0);
    const envFile = path.join(tempFolder('cfg-env'), '.env');
    const again = await sandpit(['up', '--detach', '--json', '--password', 'cfgpw', '--env-out', envFile], { cwd: configDir });
    expectExit(again, 0);
    const after = JSON.parse(again.stdout as string) as { name: string; containerId: string }[];
    expect(after.map((s) => s.name)).toEqual(['clicache', 'cliweb']);
    expect(after[1]!.containerId).toBe((services[1] as unknown as { containerId: string }).containerId);
    expect(readFileSync(envFile, 'utf8')).toMatch(/SANDPIT_CLICACHE_URL=redis:[^]*SANDPIT_CLIWEB_URL=http:/);
    // Other options for a config's service: its name is the config's, so the way out is not --name.
    const other = await sandpit(['up', '--detach', '--password', 'otherpw'], { cwd: configDir });
    expectExit(other, 1);
    expect(other.stderr).toContain('"clicache" already runs detached (redis://');
    expect(other.stderr).toContain('with other options: password). Remove it with `sandpit down clicache`, or start this one under another --project (or another name in sandpit.config.json).');
    expectExit(await sandpit(['down', 'clicache', 'cliweb'], { cwd: configDir }), 0);
    expect([...(await named('clicache')), ...(await named('cliweb'))]).toEqual([]);

    const wrong = await sandpit(['up', 'nosuch'], { cwd: configDir });
    expectExit(wrong, 1);
    expect(wrong.stderr.trim()).toBe(
      'sandpit: "nosuch" is neither a preset (httpd, mysql, redis, ubuntu) nor a service of sandpit.config.json (clicache, cliweb). (UNKNOWN_PRESET)',
    );
    const typo = await sandpit(['up', 'clicach'], { cwd: configDir });
    expect(typo.stderr.trim()).toBe(
      'sandpit: "clicach" is neither a preset (httpd, mysql, redis, ubuntu) nor a service of sandpit.config.json (clicache, cliweb). Did you mean "clicache"? (UNKNOWN_PRESET)',
    );
  });
});
