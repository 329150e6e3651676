import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];
// However the bench ends (its deadline included: bench/deadline.ts exits): synchronous, as 'exit' needs.
process.on('exit', () => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A new folder in the temp dir (`sandpit-bench-<kind>-…`), removed when the bench process ends. */
export function benchFolder(kind: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), `sandpit-bench-${kind}`));
  made.push(folder);
  return folder;
}
