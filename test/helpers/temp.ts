import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

// Registered in each test file that imports this (Jest gives every file its own modules).
afterAll(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A new folder in the temp dir (`sandpit-<prefix>-…`, 0700 as mkdtemp makes it), removed after this file's tests. */
export function tempFolder(prefix: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), `sandpit-${prefix}-`));
  made.push(folder);
  return folder;
}
