import { afterAll, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { start } from '../../lib/index.js';
import { listSnapshots } from '../../lib/snapshots/store.js';
import { usedDir } from '../../lib/snapshots/used.js';

// Snapshots of this file's own, removed at the end; last-use markers in a temp cache folder.
const PREFIX = `sandpit-snapsuper-${process.pid}`;
process.env.SANDPIT_SNAPSHOT_PREFIX = PREFIX;
const cache = mkdtempSync(path.join(os.tmpdir(), 'sandpit-snapsuper-'));
process.env.XDG_CACHE_HOME = cache;

afterAll(async () => {
  const { stdout } = await execa('docker', ['images', '--filter', `reference=${PREFIX}/*`, '--format', '{{.Repository}}:{{.Tag}}']);
  const tags = stdout.split('\n').filter(Boolean);
  if (tags.length > 0) await execa('docker', ['rmi', ...tags], { reject: false });
  rmSync(cache, { recursive: true, force: true });
});

const tags = async () => new Set((await listSnapshots()).map((s) => s.tag));
/** Says the snapshot was last used `hoursAgo` (its marker's mtime, as a start records it: lib/snapshots/used.ts). */
const usedHoursAgo = (tag: string, hoursAgo: number) => {
  const at = (Date.now() - hoursAgo * 3_600_000) / 1000;
  utimesSync(path.join(usedDir(), tag.replace(/[^\w.-]+/g, '_')), at, at);
};

test("a new seed's snapshot removes the service's older ones past the three latest, unused and with no container on them", async () => {
  const name = `supersede${process.pid}`;
  const seeded = (version: number) => ({ preset: 'redis' as const, name, initScripts: [`SET version ${version}`] });
  const taken: string[] = [];
  // The first one's service stays up: its snapshot is in use.
  const first = await start(seeded(1));
  try {
    taken.push([...(await tags())][0]!);
    for (const version of [2, 3, 4]) {
      const before = await tags();
      await (await start(seeded(version))).stop();
      taken.push([...(await tags())].find((tag) => !before.has(tag))!);
    }
    expect(new Set(taken).size).toBe(4);
    // Used long ago, the oldest longest: all four are past the wait for recent use.
    taken.forEach((tag, i) => usedHoursAgo(tag, 4 - i));
    const before = await tags();
    const fifth = await start(seeded(5));
    try {
      expect((await fifth.exec(['redis-cli', 'GET', 'version'])).stdout.trim()).toBe('5');
    } finally {
      await fifth.stop();
    }
    const now = await tags();
    const newest = [...now].find((tag) => !before.has(tag))!;
    // Kept: the new one, the two used last, and the first (its container runs). The second went.
    expect(now).toEqual(new Set([newest, taken[3], taken[2], taken[0]]));
  } finally {
    await first.stop();
  }
});
