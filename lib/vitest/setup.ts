import type { TestProject } from 'vitest/node';
import { describe, isSandpitError } from '../errors.js';
import { RunnerSession, readyLine } from '../runner/session.js';

/**
 * Vitest's main process, before any worker: starts the config's services, provides them to tests
 * (`inject('sandpit')`) and puts SANDPIT_* in process.env, which Vitest hands to each run's workers.
 * The containers belong to this process: the watchdog removes them however Vitest ends.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const begun = Date.now();
  const session = await RunnerSession.open(project.config.root).catch((error: unknown) => {
    // Vitest prints the stack: for our own errors the message is the whole story.
    if (isSandpitError(error)) error.stack = `${error.name}: ${error.message}`;
    throw error;
  });
  let published: Record<string, string> = {};
  const publish = () => {
    for (const key of Object.keys(published)) delete process.env[key];
    published = session.env();
    Object.assign(process.env, published);
    project.provide('sandpit', session.published());
  };
  publish();
  process.stderr.write(readyLine(session.services, begun, session.reused));

  if (project.vitest.config.watch) {
    // In watch mode the teardown runs only at exit. A changed config reruns every test, and before
    // that rerun the running services are matched to it: unchanged ones stay, others are replaced.
    project.vitest.config.forceRerunTriggers.push(session.file);
    project.vitest.vite.watcher.add(session.file);
    project.onTestsRerun(async () => {
      try {
        const { stopped, started } = await session.reload();
        if (stopped.length + started.length > 0) {
          process.stderr.write(`sandpit: config changed: ${[...stopped.map((n) => `stopped ${n}`), ...started.map((n) => `started ${n}`)].join(', ')}\n`);
        }
      } catch (error) {
        process.stderr.write(`sandpit: ${describe(error)}\nsandpit: the services that were running stay as they were; fix the config to apply it.\n`);
      } finally {
        publish();
      }
    });
  }

  return async () => {
    await session.close();
    for (const key of Object.keys(published)) delete process.env[key];
  };
}
