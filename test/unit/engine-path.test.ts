import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { enginePath } from '../../lib/files/engine-path.js';

// Which of our container's mounts holds a folder, and where the engine has it (lib/files/copy.ts).
describe('enginePath: a folder of ours, on the engine side of our container mounts', () => {
  const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'sandpit-engine-path-')));
  const work = path.join(tmp, 'workspace');
  mkdirSync(path.join(work, 'site/assets'), { recursive: true });
  mkdirSync(path.join(work, 'node_modules/pkg'), { recursive: true });
  mkdirSync(path.join(tmp, 'workspace2'));
  symlinkSync(path.join(work, 'site'), path.join(tmp, 'link'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const mounts = [
    { source: '/home/dev/app', destination: work },
    { source: '/var/lib/docker/volumes/deps/_data', destination: path.join(work, 'node_modules') },
  ];

  test('the mount itself, and a folder under it', () => {
    expect(enginePath(work, mounts)).toBe('/home/dev/app');
    expect(enginePath(path.join(work, 'site/assets'), mounts)).toBe('/home/dev/app/site/assets');
  });

  test('the innermost mount wins (a volume over node_modules inside the workspace)', () => {
    expect(enginePath(path.join(work, 'node_modules/pkg'), mounts)).toBe('/var/lib/docker/volumes/deps/_data/pkg');
  });

  test('through a symlink, by where it leads', () => {
    expect(enginePath(path.join(tmp, 'link'), mounts)).toBe('/home/dev/app/site');
  });

  test('a sibling whose name only starts alike, and our own files, are under no mount', () => {
    expect(enginePath(path.join(tmp, 'workspace2'), mounts)).toBeUndefined();
    expect(enginePath(tmp, mounts)).toBeUndefined();
  });
});
