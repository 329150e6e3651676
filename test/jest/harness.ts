import { afterAll } from '@jest/globals';
import { execa, type ResultPromise } from 'execa';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { track } from '../helpers/children.js';
import { containersWith, eventually } from '../helpers/engine.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const jestBin = path.join(repo, 'node_modules/jest/bin/jest.js');

export interface Fixture {
  /** The project Jest runs in (its rootDir). */
  dir: string;
  /** Where the fixture's tests append a JSON line each: outside `dir`, so watch mode ignores it. */
  out: string;
}

const temps: string[] = [];
afterAll(() => temps.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * A copy of `<fixtures>/<name>` in a temp dir, with this repo installed as `sandpit-services` (what
 * `npm install ../sandpit` does: the runner resolves the package through its exports map).
 */
export function copyFixture(fixtures: URL, name: string, runner: string): Fixture {
  const root = mkdtempSync(path.join(os.tmpdir(), `sandpit-${runner}-${name}-`));
  temps.push(root);
  const dir = path.join(root, 'project');
  cpSync(fileURLToPath(new URL(name, fixtures)), dir, { recursive: true });
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(repo, path.join(dir, 'node_modules/sandpit-services'));
  return { dir, out: path.join(root, 'out.jsonl') };
}

/** A copy of test/jest/fixtures/<name>. */
export const fixture = (name: string): Fixture => copyFixture(new URL('fixtures/', import.meta.url), name, 'jest');

/** Runs Jest in the fixture; `detached` gives it its own process group, as a terminal's job. */
export function runJest(f: Fixture, args: string[] = [], env: Record<string, string> = {}, detached = false): ResultPromise<{ reject: false; all: true }> {
  const child = execa(process.execPath, [jestBin, '--ci', '--no-watchman', ...args], {
    cwd: f.dir,
    env: { FIXTURE_OUT: f.out, ...env },
    reject: false,
    all: true,
    detached,
  });
  return track(child, { group: detached });
}

export interface Reported {
  file: string;
  session: string;
  cache: string;
  /** The exec server's socket, in a folder of the run's own in the temp dir. */
  exec: string;
}

/** What the fixture's tests reported so far. */
export const reports = (f: Fixture): Reported[] =>
  existsSync(f.out) ? readFileSync(f.out, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Reported) : [];

/** Waits until a test of the fixture has reported, i.e. the run is inside a test. */
export async function firstReport(f: Fixture, ms = 60_000): Promise<Reported> {
  if (!(await eventually(async () => reports(f).length > 0, ms))) throw new Error(`no test of ${f.dir} reported within ${ms} ms`);
  return reports(f)[0]!;
}

export const sessionContainers = (session: string) => containersWith(`sandpit.session=${session}`);

/** Containers started by the Jest process with this pid: for runs that fail before any test reports. */
export const pidContainers = (pid: number) => containersWith(`sandpit.pid=${pid}`);

/** True once the Jest process with this pid has no container left (polling up to `ms`). */
export const pidGone = (pid: number, ms: number) => eventually(async () => (await pidContainers(pid)).length === 0, ms);

/** True once the session has no container left (polling up to `ms`). */
export const allGone = (session: string, ms: number) => eventually(async () => (await sessionContainers(session)).length === 0, ms);
