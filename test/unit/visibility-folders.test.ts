import { expect, test } from '@jest/globals';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sweepVisibilityFolders } from '../../lib/cleanup/visibility-folders.js';
import { tempFolder } from '../helpers/temp.js';

test("an engine check's folder a killed process left goes once it is ten minutes old; a measuring one's and others' stay", () => {
  const dir = tempFolder('visibility-sweep');
  const folder = (name: string, ageMs: number) => {
    const made = path.join(dir, name);
    mkdirSync(made);
    writeFileSync(path.join(made, 'marker'), 'token');
    const at = (Date.now() - ageMs) / 1000;
    utimesSync(made, at, at);
    return made;
  };
  const left = folder('sandpit-visibility-aB3dE1', 11 * 60_000);
  const measuring = folder('sandpit-visibility-Zx9yW8', 2000);
  const other = folder('sandpit-exec-Qq1', 11 * 60_000);
  expect(sweepVisibilityFolders({ dir })).toEqual(['sandpit-visibility-aB3dE1']);
  expect([left, measuring, other].map((f) => existsSync(f))).toEqual([false, true, true]);
});
