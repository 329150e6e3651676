import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { start } from '../../lib/index.js';
import { containersWith } from '../helpers/engine.js';
import { failure } from '../helpers/failure.js';

// Snapshots of these tests' own, removed at the end; last-use markers in a temp cache folder.
const PREFIX = `sandpit-snaptest-${process.pid}`;
process.env.SANDPIT_SNAPSHOT_PREFIX = PREFIX;
const dir = mkdtempSync(path.join(os.tmpdir(), 'sandpit-snapshots-'));
process.env.XDG_CACHE_HOME = dir;
const fixture = fileURLToPath(new URL('../fixtures/snapshot-start.mjs', import.meta.url));
const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

const snapshots = async (): Promise<string[]> => {
  const { stdout } = await execa('docker', ['images', '--filter', `reference=${PREFIX}/*`, '--format', '{{.Repository}}:{{.Tag}}']);
  return stdout.split('\n').filter(Boolean).sort();
};
const file = (name: string, content: string) => {
  writeFileSync(path.join(dir, name), content);
  return path.join(dir, name);
};

afterAll(async () => {
  const tags = await snapshots();
  if (tags.length > 0) await execa('docker', ['rmi', ...tags], { reject: false });
  rmSync(dir, { recursive: true, force: true });
});

describe('redis init scripts and snapshots', () => {
  // INCR leaves a trace of each run: 1 after the run that took the snapshot, 2 if a script ran again.
  const script = () => file('seed.redis', `SET greeting "hello world"\nRPUSH letters a b 'c d'\nINCR runs\n# ${Date.now()}\n`);
  let seed: string;
  beforeAll(() => {
    seed = script();
  });

  const runs = async (s: { exec(c: string[]): Promise<{ stdout: string }> }, password: string) =>
    (await s.exec(['redis-cli', '-a', password, '--no-auth-warning', 'MGET', 'runs', 'greeting'])).stdout.trim().split('\n');

  test('the first start takes a snapshot; the second starts from it and runs no script', async () => {
    const before = await snapshots();
    {
      await using first = await start({ preset: 'redis', password: 'one', initScripts: [seed] });
      expect(await runs(first, 'one')).toEqual(['1', 'hello world']);
      const letters = await first.exec(['redis-cli', '-a', 'one', '--no-auth-warning', 'LRANGE', 'letters', '0', '-1']);
      expect(letters.stdout.trim().split('\n')).toEqual(['a', 'b', 'c d']);
    }
    const after = await snapshots();
    expect(after.length).toBe(before.length + 1);
    await using second = await start({ preset: 'redis', password: 'two', initScripts: [seed] });
    expect(await runs(second, 'two')).toEqual(['1', 'hello world']);
    expect(await snapshots()).toEqual(after);
    const image = (await execa('docker', ['inspect', '-f', '{{.Config.Image}}', second.containerId])).stdout;
    expect(after).toContain(image);
  });

  test('a changed script makes a new snapshot; snapshot: false runs the scripts and takes none', async () => {
    const before = await snapshots();
    const changed = file('changed.redis', `SET greeting changed\nINCR runs\n# ${Date.now()}\n`);
    {
      await using s = await start({ preset: 'redis', initScripts: [changed] });
      expect(await runs(s, '')).toEqual(['1', 'changed']);
    }
    const after = await snapshots();
    expect(after.length).toBe(before.length + 1);

    const fresh = file('fresh.redis', `INCR runs\n# ${Date.now()}\n`);
    await using plain = await start({ preset: 'redis', initScripts: [fresh], snapshot: false });
    expect(await runs(plain, '')).toEqual(['1']); // greeting unset: not from the other snapshots
    expect((await execa('docker', ['inspect', '-f', '{{.Config.Image}}', plain.containerId])).stdout).not.toContain(PREFIX);
    expect(await snapshots()).toEqual(after);
  });

  test('a failing script names its file and line, and leaves no container and no snapshot', async () => {
    const before = await snapshots();
    const broken = file('broken.redis', `SET a 1\nNOSUCHCOMMAND x\nSET b 2\n# ${Date.now()}\n`);
    const error = await failure(start({ preset: 'redis', initScripts: [broken] }));
    expect(error.code).toBe('INIT_SCRIPT_FAILED');
    expect(error.message).toMatch(/broken\.redis failed at line 2 \(NOSUCHCOMMAND\)/);
    expect(await containersWith('sandpit.snapshot.building')).toEqual([]);
    expect(await snapshots()).toEqual(before);
    const missing = await failure(start({ preset: 'redis', initScripts: [path.join(dir, 'absent.redis')] }));
    expect(missing.code).toBe('INVALID_OPTION');
  });

  test('two processes starting at once take one snapshot', async () => {
    const before = await snapshots();
    const shared = file('shared.redis', `INCR runs\n# ${Date.now()}\n`);
    const env = { SANDPIT_SNAPSHOT_PREFIX: PREFIX, XDG_CACHE_HOME: dir };
    const results = await Promise.all(
      [1, 2].map(async () => JSON.parse((await execa('node', [fixture, 'redis', shared], { env })).stdout) as { said: string[] }),
    );
    const took = results.filter((r) => r.said.some((line) => line.startsWith('taking snapshot')));
    expect(took.length).toBe(1);
    expect((await snapshots()).length).toBe(before.length + 1);
  }, 180_000);
});

describe('images ls and prune', () => {
  const cli = (args: string[]) =>
    execa('node', ['--', main, ...args], { reject: false, env: { SANDPIT_SNAPSHOT_PREFIX: PREFIX, XDG_CACHE_HOME: dir } });

  test('ls lists the snapshots with what they were made from; prune keeps recent ones, --all removes them', async () => {
    const tags = await snapshots();
    expect(tags.length).toBeGreaterThan(0);
    const ls = await cli(['images', 'ls']);
    expect(ls.exitCode).toBe(0);
    for (const tag of tags) expect(ls.stdout).toMatch(new RegExp(`^${tag.replace(/[/.]/g, '\\$&')}\\s+redis\\s+\\d+ kB\\s+\\d+ min ago\\s+\\d+ min ago\\s+\\S+ \\+ \\S+\\.redis`, 'm'));
    expect((await cli(['images', 'prune'])).stdout).toBe('removed 0 snapshots (0 kB)');
    expect(await snapshots()).toEqual(tags);
    const bad = await cli(['images', 'prune', '--days', 'soon']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('(INVALID_OPTION)');
    const all = await cli(['images', 'prune', '--all']);
    expect(all.stdout).toMatch(new RegExp(`^removed ${tags.length} snapshots? `));
    expect(await snapshots()).toEqual([]);
  });
});
