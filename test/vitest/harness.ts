import { execa, type ResultPromise } from 'execa';
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

/** Runs Vitest in the fixture (`run` unless args say `--watch`); `detached` gives it its own process group. */
export function runVitest(f: Fixture, args: string[] = ['run'], env: Record<string, string> = {}, detached = false): ResultPromise<{ reject: false; all: true }> {
  const child = execa(process.execPath, [vitestBin, ...args], {
    cwd: f.dir,
    env: { FIXTURE_OUT: f.out, NO_COLOR: '1', ...env },
    extendEnv: true,
    reject: false,
    all: true,
    detached,
  });
  return track(child, { group: detached });
}
