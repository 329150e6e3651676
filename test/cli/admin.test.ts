import { beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { named, onTerminal, sandpit, unique, ensureImages, expectExit } from './run.js';
import { startOwn } from '../../lib/service/start.js';
import { claim } from '../../lib/cleanup/reused.js';
import { withPruneLock } from '../helpers/prune-lock.js';

beforeAll(ensureImages, 600_000);

describe('prune, doctor, images', () => {
  test('prune removes the containers of a process that is gone (watchdog off), and names them; --dry-run names them and removes nothing', async () => {
    const name = unique('orphan');
    // Another file's prune would take the orphan between its making and the dry run.
    await withPruneLock(async () => {
      // With the watchdog off, a SIGKILLed owner leaves its container: exactly what prune is for.
      const child = sandpit(['up', 'redis', '--name', name], { env: { SANDPIT_WATCHDOG: '0', SANDPIT_NO_SWEEP: '1' } });
      await new Promise<void>((resolve) => child.stderr!.on('data', (c: Buffer) => c.toString().includes('Ctrl-C') && resolve()));
      child.kill('SIGKILL');
      await child;
      expect(await named(name)).toHaveLength(1);
      // A dry run names it, says why, and leaves it.
      const dry = await sandpit(['prune', '--dry-run']);
      expectExit(dry, 0);
      expect(dry.stdout).toMatch(/^would remove \d+ containers? of dead sessions or idle reuse:$/m);
      expect(dry.stdout).toMatch(new RegExp(`^  ${name} \\([0-9a-f]{12}\\): its process \\d+ is gone$`, 'm'));
      expect(await named(name)).toHaveLength(1);
      // And the engine check's folder a start killed outright while it looked left behind, long ago.
      const checkFolder = path.join(os.tmpdir(), `sandpit-visibility-${name}`);
      mkdirSync(checkFolder);
      utimesSync(checkFolder, (Date.now() - 3_600_000) / 1000, (Date.now() - 3_600_000) / 1000);
      const pruned = await sandpit(['prune']);
      expectExit(pruned, 0);
      expect(existsSync(checkFolder)).toBe(false);
      // Another start's background sweep leaves a session dead under a minute: this prune is the one.
      expect(pruned.stdout).toMatch(/^removed \d+ containers? of dead sessions or idle reuse:$/m);
      expect(pruned.stdout).toMatch(new RegExp(`^  ${name} \\([0-9a-f]{12}\\): its process \\d+ is gone$`, 'm'));
      expect(await named(name)).toEqual([]);
    });
  });

  test('prune --dry-run names a warm (reused) container that no run holds, and not one a run holds', async () => {
    const name = unique('warm');
    const token = `${name}-claim`;
    // Labelled as a warm start labels its service (lib/reuse); idle for long, so no reaper takes it meanwhile.
    const labels = { 'sandpit.reuse': 'key', 'sandpit.reuse.claim': token, 'sandpit.session': 'detached', 'sandpit.reuse.idle': '600000' };
    const release = await claim(token);
    const warm = await startOwn({ preset: 'redis', name, labels });
    try {
      const line = new RegExp(`^  ${name} \\([0-9a-f]{12}\\): kept warm \\(reuse\\), and no run holds it$`, 'm');
      expect((await sandpit(['prune', '--dry-run'])).stdout).not.toMatch(line);
      await release!();
      expect((await sandpit(['prune', '--dry-run'])).stdout).toMatch(line);
      expect(await named(name)).toHaveLength(1);
    } finally {
      await release?.().catch(() => {});
      await warm.stop();
    }
  });

  test('doctor: engine up → ✓ lines and exit 0', async () => {
    const ok = await sandpit(['doctor']);
    expectExit(ok, 0);
    expect(ok.stdout).toMatch(/^✓ Docker engine reachable at unix:\/\/\/\S+ \(.+\): /m);
    expect(ok.stdout).toMatch(/^✓ engine version \d+\.\d+/m);
    expect(ok.stdout).toMatch(/^[✓!] (preset images present|registry reachable|no registry reachable)/m);
    expect(ok.stdout).toMatch(/^[✓!] .*GB free at /m);
    expect(ok.stdout).toContain('sandpit can run here.');
    // A "fix:" belongs under a problem (! or ✗) only: under a ✓ it reads as one.
    const blocks = ok.stdout.split(/\n(?=\S)/);
    expect(blocks.filter((b) => b.startsWith('✓') && /^\s+fix:/m.test(b))).toEqual([]);
  });

  test('doctor: DOCKER_HOST=unix:///nonexistent.sock → ✗ with each endpoint and a fix, exit 1, quickly', async () => {
    const started = Date.now();
    const down = await sandpit(['doctor'], { env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(Date.now() - started).toBeLessThan(5000);
    expectExit(down, 1);
    expect(down.stdout).toMatch(/^✗ Docker engine at unix:\/\/\/nonexistent\.sock \(DOCKER_HOST\) not reachable: no socket file there$/m);
    expect(down.stdout).toContain('· unix:///nonexistent.sock  DOCKER_HOST: not present');
    expect(down.stdout).toMatch(/fix: DOCKER_HOST=unix:\/\/\/nonexistent\.sock does not answer.*unset DOCKER_HOST/);
    expect(down.stdout).toContain('sandpit cannot run until fixed.');
  });

  test('doctor honours NO_COLOR (and colours nothing off a terminal)', async () => {
    const plain = await onTerminal('doctor', { cols: 120, env: { NO_COLOR: '1' } });
    expect(plain.stdout).toContain('✓ Docker engine reachable');
    expect(plain.stdout).not.toMatch(/\u001B\[3\dm/);
    const coloured = await onTerminal('doctor', { cols: 120, env: { TERM: 'xterm-256color' } });
    expect(coloured.stdout).toMatch(/\u001B\[32m✓/);
  });

  test('images ls names the image each preset will use; images build of a present image is a fast no-op', async () => {
    const ls = await sandpit(['images', 'ls']);
    expectExit(ls, 0);
    expect(ls.stdout).toMatch(/^PRESET\s+WILL USE\s+OFFICIAL\s+OFFLINE BUILD$/m);
    for (const preset of ['httpd', 'mysql', 'redis', 'ubuntu']) expect(ls.stdout).toMatch(new RegExp(`^${preset}\\s+\\S+`, 'm'));
    // The suites build the offline images first, so this one is here: a second build does nothing.
    await sandpit(['images', 'build', 'redis']);
    const started = Date.now();
    const again = await sandpit(['images', 'build', 'redis']);
    expect(Date.now() - started).toBeLessThan(5000);
    expectExit(again, 0);
    expect(again.stdout).toMatch(/^redis\s+\S+\/redis:\S+\s+up to date$/);
    expect(again.stderr).toBe('sandpit: redis: up to date');
  });
});
