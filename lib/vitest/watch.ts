import type { TestProject } from 'vitest/node';
import { describe } from '../errors.js';

/** Files whose change reruns every test (and so sandpit's rerun hook): the config, seed files. Each added once. */
export function rerunOn(project: TestProject, files: string[], watched: Set<string>): void {
  for (const file of files.filter((f) => !watched.has(f))) {
    watched.add(file);
    project.vitest.config.forceRerunTriggers.push(file, `${file}/**`);
    project.vitest.vite.watcher.add(file);
  }
}

/**
 * Vitest runs a global setup once per watch session, and a failed one is not run again: a broken seed at `vitest`
 * start left every rerun without services (and a message that the setup "did not run") until Vitest was
 * restarted. Thrown, the error also ended the first run before it found any test file, and a watch mode that
 * knows no test file reruns none when a file changes. So in watch mode a failed start is said, not thrown: the
 * tests run without services (service() says why), and the start is tried again before each rerun (a save of
 * the config or a seed file, or `r`) until one succeeds. Returns the global setup's teardown, for that start.
 */
export function startOnRerun(project: TestProject, error: unknown, files: string[], start: () => Promise<() => Promise<void>>): () => Promise<void> {
  process.stderr.write(`sandpit: ${describe(error)}\nsandpit: this run has no services; fix it and save (or press r) to try again.\n`);
  rerunOn(project, files, new Set());
  let teardown: (() => Promise<void>) | undefined;
  project.onTestsRerun(async () => {
    if (teardown) return;
    try {
      teardown = await start();
    } catch (again) {
      process.stderr.write(`sandpit: ${describe(again)}\nsandpit: this run has no services; fix it and save (or press r) to try again.\n`);
    }
  });
  return async () => teardown?.();
}
