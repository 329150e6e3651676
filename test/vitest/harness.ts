import { afterAll } from '@jest/globals';
import { execa, type ResultPromise } from 'execa';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { track } from '../helpers/children.js';
import { reports as jestReports, type Fixture } from '../jest/harness.js';

export { allGone, firstReport, pidContainers, sessionContainers } from '../jest/harness.js';

/** What a test of the fixture appended (fixtures/basic/report.js). */
export interface Reported {
  file: string;
  session: string;
  cache: string;
  envCache: string;
  services: string[];
  exec: [number, string];
  pool: string;
}

export const reports = (f: Fixture) => jestReports(f) as unknown as Reported[];

const repo = fileURLToPath(new URL('../..', import.meta.url));
const vitestBin = path.join(repo, 'node_modules/vitest/vitest.mjs');

const temps: string[] = [];
afterAll(() => temps.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of test/vitest/fixtures/<name> in a temp dir, with this repo installed as `sandpit-services`. */
export function fixture(name: string): Fixture {
  const root = mkdtempSync(path.join(os.tmpdir(), `sandpit-vitest-${name}-`));
  temps.push(root);
  const dir = path.join(root, 'project');
  cpSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), dir, { recursive: true });
  mkdirSync(path.join(dir, 'node_modules'));
  // What `npm install ../sandpit` does; Vitest itself is this repo's (one copy of it in the process).
  symlinkSync(repo, path.join(dir, 'node_modules/sandpit-services'));
  return { dir, out: path.join(root, 'out.jsonl') };
}

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
