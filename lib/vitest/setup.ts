import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { describe, isSandpitError } from '../errors.js';
import { RunnerSession, readyLine, waitsAtEnd } from '../runner/session.js';
import { withdrawPublication } from '../runner/publication.js';
import { rerunOn, startOnRerun } from './watch.js';

/** This module's worker side: a setup file of every project of the run. */
const workerSide = fileURLToPath(new URL('./index.js', import.meta.url));

/**
 * Vitest's main process, before any worker: starts the config's services, provides them to tests
 * (`inject('sandpit')`) and puts SANDPIT_* in process.env, which Vitest hands to each run's workers.
 * The containers belong to this process: the watchdog removes them however Vitest ends.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Vitest has no per-worker hook a global setup can add: every worker's copy (VITEST_POOL_ID
  // 1..maxWorkers) is prepared here, before any worker exists, so service() in a worker stays synchronous.
  // A project of a `projects` run has no maxWorkers of its own (undefined): the run's is what its workers are.
  const workers = Math.max(1, project.config.maxWorkers || project.vitest.config.maxWorkers || 1);
  const start = async () => {
    const begun = Date.now();
    return attach(project, await openSession(project.config.root, workers), workers, begun);
  };
  try {
    return await start();
  } catch (error) {
    if (project.vitest.config.watch) return startOnRerun(project, error, () => RunnerSession.configFiles(project.config.root), start);
    // Vitest prints the stack: for our own errors the message and its code are the whole story.
    if (isSandpitError(error)) error.stack = `${error.name} [${error.code}]: ${error.message}`;
    throw error;
  }
}

/** The run's services started, and every worker's copies made; nothing left on a failure. */
async function openSession(root: string, workers: number): Promise<RunnerSession> {
  let session: RunnerSession | undefined;
  try {
    session = await RunnerSession.open(root, { maxWorkers: workers });
    await prepareWorkers(session, workers);
    return session;
  } catch (error) {
    await session?.close();
    throw error;
  }
}

/** Publishes a started session to the run's tests and, in watch mode, keeps it matched to the config; returns the teardown. */
function attach(project: TestProject, open: RunnerSession, workers: number, begun: number): () => Promise<void> {
  let published: Record<string, string> = {};
  const publish = () => {
    // One publication at a time in this process's env (a user's own global setup after this one reads it):
    // another project's, or this one's before a rerun, goes first.
    withdrawPublication(process.env);
    published = open.env();
    Object.assign(process.env, published);
    // The variables too: several projects' setups share this process's env, which every project's workers
    // inherit (the last one's). Each worker puts its project's in place of it (index.ts).
    project.provide('sandpit', { ...open.published(), env: published });
    // Every other project's workers get these names as '' (taken out there: index.ts), unless its own test.env
    // sets one: a project without sandpit that had SANDPIT_DB_URL of its own lost it to a withdrawal by name.
    for (const other of project.vitest.projects ?? []) {
      if (other === project) continue;
      const env = (other.config.env ??= {}) as Record<string, string>;
      for (const key of Object.keys(published)) if (!(key in env)) env[key] = '';
    }
  };
  publish();
  // A worker's SANDPIT_<NAME>_* are pointed at its own copies by this module's worker side (index.ts), which
  // ran only in test files that import it: code under test that reads them elsewhere shared database 0,
  // silently. As a setup file of the project it runs before every test file (Vitest 3.2 and 4 read the
  // list when they start the workers, after the global setups). A project of the run without sandpit's
  // global setup gets it too, and there it takes the inherited publication out: another project's services
  // are not this one's (its code found them in SANDPIT_* and used them).
  for (const each of project.vitest.projects ?? [project]) {
    // Not in browser mode: the worker side is Node's (a socket to this process).
    const browser = (each.config as { browser?: { enabled?: boolean } }).browser?.enabled === true;
    if (!browser && !each.config.setupFiles.includes(workerSide)) each.config.setupFiles.unshift(workerSide);
  }
  const several = (project.vitest.projects?.length ?? 1) > 1;
  const { reused, replaced, file, rootDir } = open; // file is a getter: not copied by a spread
  process.stderr.write(readyLine(open.services, begun, { reused, replaced, file, rootDir, ...(several ? { project: project.name } : {}) }));

  if (project.vitest.config.watch) {
    // In watch mode the teardown runs only at exit. A changed config reruns every test, and before
    // that rerun the running services are matched to it: unchanged ones stay, others are replaced.
    // The seed files too: an edited seed reruns the tests, and its service starts again from it.
    const watched = new Set<string>();
    const watch = () => rerunOn(project, [open.file, ...open.seedPaths()], watched);
    watch();
    project.onTestsRerun(async () => {
      try {
        const { stopped, started, reseeded, failed } = await open.reload();
        if (failed) {
          const { lost } = failed;
          const state = lost.length > 0
            ? `${lost.join(', ')} (on a port of its own, stopped for its replacement) did not start again: ${lost.length === 1 ? 'it is' : 'they are'} missing from this run, the others stay as they were`
            : 'the services that were running stay as they were';
          process.stderr.write(`sandpit: ${describe(failed.error)}\nsandpit: ${state}; fix the config or its init scripts to apply it.\n`);
        }
        const changed = [...stopped.filter((n) => !reseeded.includes(n)).map((n) => `stopped ${n}`), ...started.filter((n) => !reseeded.includes(n)).map((n) => `started ${n}`)];
        if (changed.length > 0) process.stderr.write(`sandpit: config changed: ${changed.join(', ')}\n`);
        if (reseeded.length > 0) process.stderr.write(`sandpit: init scripts changed: started ${reseeded.join(', ')} again from them\n`);
        watch();
      } catch (error) {
        process.stderr.write(`sandpit: ${describe(error)}\nsandpit: the services that were running stay as they were; fix the config to apply it.\n`);
      }
      // Every rerun begins from the seed, as each Jest watch run does: the copies a run's tests changed
      // are made again (a test's INSERT of a fixed key failed on its rerun with a duplicate key).
      await prepareWorkers(open, workers).catch((error: unknown) => process.stderr.write(`sandpit: the workers' copies were not made again: ${describe(error)}\n`));
      publish();
    });
  }

  return async () => {
    // Vitest exits right after this: the watchdog removes the containers as it does (SANDPIT_TEARDOWN=wait: here).
    await open.close({ wait: waitsAtEnd() });
    // Ours only: another project's may be the one in env now.
    if (process.env.SANDPIT_EXEC === published.SANDPIT_EXEC) withdrawPublication(process.env);
  };
}

/** Creates each worker's copy of the isolated services, in this process: for this run (a rerun's anew). */
async function prepareWorkers(session: RunnerSession, workers: number): Promise<void> {
  const names = Object.keys(session.published().isolation);
  const ids = Array.from({ length: workers }, (_, i) => i + 1);
  // Vitest's workers have no hook before their first test: every copy is made before any worker starts.
  const run = String(Date.now());
  await Promise.all(names.flatMap((name) => ids.map((id) => session.copies.prepare(name, id, run))));
}
