import { beforeAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { chownSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main, named, onTerminal, sandpit, ensureImages, expectExit } from './run.js';
import { tempFolder } from '../helpers/temp.js';

beforeAll(ensureImages, 600_000);

// Every shell is named `shell`; these tests run one at a time, so "none left" is theirs to check.
describe('sandpit shell', () => {
  const folder = tempFolder('shell');
  writeFileSync(path.join(folder, 'marker.txt'), 'here\n');

  test('-- cmd runs one command in the current folder at /work and exits with its code', async () => {
    const one = await sandpit(['shell', '--', 'sh', '-c', 'cat /work/marker.txt; pwd; exit 7'], { cwd: folder });
    expect([one.exitCode, one.stdout]).toEqual([7, 'here\n/work']);
    expect(one.stderr).toBe(''); // without a terminal, only notices; nothing here needed one
    expect(await named('shell')).toEqual([]);
  });

  test('files made in /work belong to the folder’s owner, who has a name and a home; --user root is root', async () => {
    const theirs = tempFolder('shell-owner');
    chownSync(theirs, 4321, 4322);
    const run = await sandpit(['shell', '--', 'sh', '-c', 'touch made && whoami && echo "$HOME" && test -w "$HOME" && id -g'], { cwd: theirs });
    expect([run.exitCode, run.stdout]).toEqual([0, 'sandpit\n/home/sandpit\n4322']);
    expect(statSync(path.join(theirs, 'made'))).toMatchObject({ uid: 4321, gid: 4322 });
    const asRoot = await sandpit(['shell', '--user', 'root', '--', 'sh', '-c', 'touch rooted && id -u'], { cwd: theirs });
    expect([asRoot.exitCode, asRoot.stdout]).toEqual([0, '0']);
    expect(statSync(path.join(theirs, 'rooted')).uid).toBe(0);
    const bad = await sandpit(['shell', '--user', 'nobody-here', '--', 'true'], { cwd: theirs });
    expect([bad.exitCode, bad.stderr]).toEqual([1, 'sandpit: Invalid --user "nobody-here". Give root, or a uid[:gid] such as 1000:1000. (INVALID_OPTION)']);
    expect(await named('shell')).toEqual([]);
  });

  test('a command that does not exist: one line and exit 127, as shells do', async () => {
    const missing = await sandpit(['shell', '--no-mount', '--', 'no-such-command', '--flag'], { cwd: folder });
    expect([missing.exitCode, missing.stderr]).toEqual([127, 'no-such-command: command not found']);
  });

  test('piped stdin runs as a script; its exit code is sandpit’s', async () => {
    const piped = await sandpit(['shell'], { input: 'echo from-stdin; ls /work; exit 4\n', cwd: folder });
    expect([piped.exitCode, piped.stdout]).toEqual([4, 'from-stdin\nmarker.txt']);
    expect(await named('shell')).toEqual([]);
  });

  test('--no-mount leaves your files out', async () => {
    const bare = await sandpit(['shell', '--no-mount', '--', 'sh', '-c', 'test -e /work/marker.txt; echo $?'], { cwd: folder });
    expect([bare.exitCode, bare.stdout]).toEqual([0, '1']);
  });

  test('under a pseudo-terminal: a real terminal inside, the command’s exit code outside', async () => {
    const tty = await onTerminal(`shell -- sh -c 'test -t 0 && echo tty-ok; exit 3'`, { cwd: folder });
    expect(tty.stdout).toContain('tty-ok');
    expect(tty.exitCode).toBe(3);
    // An interactive bash, typed into: what a person does.
    const typed = await onTerminal('shell', { cwd: folder, input: 'cat marker.txt\nexit 6\n' });
    expect(typed.stdout).toContain('here');
    expect(typed.exitCode).toBe(6);
    expect(await named('shell')).toEqual([]);
  });

  test('no docker CLI on PATH: one line saying so, exit 1, and the box removed', async () => {
    const bin = tempFolder('path');
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const result = await execa(path.join(bin, 'node'), ['--', main, 'shell', '--', 'true'], { reject: false, env: { PATH: bin }, cwd: folder });
    expectExit(result, 1);
    expect(result.stderr).toMatch(/^sandpit: `sandpit shell`, and `sandpit exec` on a terminal or with -i, run through the docker CLI, which is not on PATH\. .*\(NOT_FOUND\)$/);
    expect(await named('shell')).toEqual([]);
  });

  test('a missing --mount folder is one line, exit 1, and no container', async () => {
    const result = await sandpit(['shell', '--mount', './no/such/dir', '--', 'true'], { cwd: folder });
    expectExit(result, 1);
    expect(result.stderr.trim()).toMatch(/^sandpit: shell \(ubuntu\): mount "\.\/no\/such\/dir" does not exist .*\(INVALID_OPTION\)$/);
    expect(await named('shell')).toEqual([]);
  });
});
