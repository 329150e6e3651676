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
  mkdirSync(path.join(tmp, 'work'));
  symlinkSync(path.join(work, 'site'), path.join(tmp, 'link'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const mounts = [
    { type: 'bind', source: '/home/dev/app', destination: work, writable: true },
    { type: 'volume', source: '/var/lib/docker/volumes/deps/_data', destination: path.join(work, 'node_modules'), writable: true },
    { type: 'tmpfs', source: '', destination: path.join(work, 'site/assets'), writable: true },
    { type: 'bind', source: '/srv/shared', destination: path.join(tmp, 'workspace2'), writable: false },
  ];
  const read = { writable: false };

  test('a bind mount itself, and a folder under it', () => {
    expect(enginePath(work, mounts, read)).toBe('/home/dev/app');
    expect(enginePath(path.join(work, 'site'), mounts, { writable: true })).toBe('/home/dev/app/site');
  });

  test('the innermost mount decides: a volume or a tmpfs inside the workspace is not the bind source', () => {
    expect(enginePath(path.join(work, 'node_modules/pkg'), mounts, read)).toBeUndefined();
    expect(enginePath(path.join(work, 'site/assets'), mounts, read)).toBeUndefined();
  });

  test('through a symlink, by where it leads', () => {
    expect(enginePath(path.join(tmp, 'link'), mounts, read)).toBe('/home/dev/app/site');
  });

  test('a read-only mount serves reading, never writing', () => {
    expect(enginePath(path.join(tmp, 'workspace2'), mounts, read)).toBe('/srv/shared');
    expect(enginePath(path.join(tmp, 'workspace2'), mounts, { writable: true })).toBeUndefined();
  });

  test('our own files, a folder gone since, and a name that only starts like a mount are under none', () => {
    expect(enginePath(tmp, mounts, read)).toBeUndefined();
    expect(enginePath(path.join(tmp, 'gone'), mounts, read)).toBeUndefined();
    expect(enginePath(path.join(tmp, 'work'), [{ type: 'bind', source: '/x', destination: path.join(tmp, 'wor'), writable: true }], read)).toBeUndefined();
  });
});
