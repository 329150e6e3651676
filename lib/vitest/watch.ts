import type { TestProject } from 'vitest/node';
import path from 'node:path';
import { describe } from '../errors.js';

/** The watched sets whose deletions are already listened for: one listener each, however many failed starts add to it. */
const listening = new WeakSet<Set<string>>();

/** Files whose change reruns every test (and so sandpit's rerun hook): the config, seed files. Each added once. */
export function rerunOn(project: TestProject, files: string[], watched: Set<string>): void {
  if (!listening.has(watched)) rerunOnDelete(project, watched);
  for (const file of files.filter((f) => !watched.has(f))) {
    watched.add(file);
    project.vitest.config.forceRerunTriggers.push(file, `${file}/**`);
    project.vitest.vite.watcher.add(file);
  }
}

/**
 * Vitest reruns on a change or an addition that forceRerunTriggers names, not on a deletion: a migration
 * deleted from the seed folder (or a branch with fewer of them checked out) left its table in the service
 * until some other file was saved. A deletion of a watched file, or of one in a watched folder, is handed
 * to Vitest's watcher as a change of that folder, or else of the first file watched (the config): Vitest's
 * own handler has just marked the deleted path as invalidated, and it ignores a change of such a path.
 */
function rerunOnDelete(project: TestProject, watched: Set<string>): void {
  listening.add(watched);
  const deleted = (file: string) => {
    const owner = [...watched].find((w) => file === w || file.startsWith(`${w}${path.sep}`) || file.startsWith(`${w}/`));
    if (owner) project.vitest.watcher.onFileChange(owner !== file ? owner : [...watched][0]!);
  };
  project.vitest.vite.watcher.on('unlink', deleted).on('unlinkDir', deleted);
}

/**
 * Vitest runs a global setup once per watch session, and a failed one is not run again: a broken seed at `vitest`
 * start left every rerun without services (and a message that the setup "did not run") until Vitest was
 * restarted. Thrown, the error also ended the first run before it found any test file, and a watch mode that
 * knows no test file reruns none when a file changes. So in watch mode a failed start is said, not thrown: the
 * tests run without services (service() says why), and the start is tried again before each rerun (a save of
 * the config or a seed file, or `r`) until one succeeds. Returns the global setup's teardown, for that start.
 */
export function startOnRerun(project: TestProject, error: unknown, files: () => Promise<string[]>, start: () => Promise<() => Promise<void>>): () => Promise<void> {
  const watched = new Set<string>();
  // Looked for again after each failure: a config fixed since names seed files the first look could not read.
  const failed = async (why: unknown) => {
    process.stderr.write(`sandpit: ${describe(why)}\nsandpit: this run has no services; fix it and save (or press r) to try again.\n`);
    // Nothing here may reject into Vitest: a watch that could not be added leaves `r` to try again.
    await files()
      .then((found) => rerunOn(project, found, watched))
      .catch(() => {});
  };
  let teardown: (() => Promise<void>) | undefined;
  let starting: Promise<void> | undefined;
  project.onTestsRerun(async () => {
    // A second save while a start is under way (a mysql seed takes seconds) waits for it: no second session.
    starting ??= (async () => {
      if (teardown) return;
      try {
        teardown = await start();
      } catch (again) {
        await failed(again);
      }
    })().finally(() => (starting = undefined));
    await starting;
  });
  void failed(error);
  return async () => teardown?.();
}
