import { execa, type ResultPromise } from 'execa';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { track } from '../helpers/children.js';
import { copyFixture, reports as jestReports, type Fixture } from '../jest/harness.js';

export { allGone, firstReport, pidContainers, sessionContainers } from '../jest/harness.js';

/** What a test of the fixture appended (fixtures/basic/report.js). */
export interface Reported {
  file: string;
  session: string;
  cache: string;
  box: string;
  /** DBSIZE of the worker's redis database when the test began. */
  atStart: string;
  /** GET greeting in the worker's database when the test began (a seed's key). */
  greeting: string;
  envCache: string;
  services: string[];
  exec: [number, string];
  pool: string;
}

export const reports = (f: Fixture) => jestReports(f) as unknown as Reported[];

const repo = fileURLToPath(new URL('../..', import.meta.url));
const vitestBin = path.join(repo, 'node_modules/vitest/vitest.mjs');

/** A copy of test/vitest/fixtures/<name>; Vitest itself is this repo's (one copy of it in the process). */
export const fixture = (name: string): Fixture => copyFixture(new URL('fixtures/', import.meta.url), name, 'vitest');

/**
 * Runs Vitest in the fixture (`run` unless args say `--watch`); `detached` gives it its own process group.
 * Its temp dir is the fixture's: Vitest keeps a folder of transformed modules in the temp dir (`<nanoid>/ssr`,
 * for the forks pool) and removes it only when it closes, so a run these tests kill would leave one in /tmp.
 * sandpit's own temp files follow it there (warm reuse's locks do not: they are the machine's, in CLAIMS_DIR).
 */
export function runVitest(f: Fixture, args: string[] = ['run'], env: Record<string, string> = {}, detached = false): ResultPromise<{ reject: false; all: true }> {
  const tmp = path.join(path.dirname(f.dir), 'tmp');
  mkdirSync(tmp, { recursive: true });
  const child = execa(process.execPath, [vitestBin, ...args], {
    cwd: f.dir,
    env: { FIXTURE_OUT: f.out, NO_COLOR: '1', TMPDIR: tmp, ...env },
    extendEnv: true,
    reject: false,
    all: true,
    detached,
  });
  return track(child, { group: detached });
}
