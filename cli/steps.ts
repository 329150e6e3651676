import { liveList } from './live.js';
import { liveOutput } from './output.js';

export interface Step<T> {
  name: string;
  /** Does the work, reporting each stage through `say`; resolves with the line to end on. */
  run(say: (message: string) => void): Promise<{ result: T; done: string }>;
}

/**
 * Runs steps one after the other with a live line each on a terminal, or plain
 * `sandpit: name: message` lines on stderr in CI and pipes. Stops at the first failure.
 */
export async function runSteps<T>(steps: Step<T>[]): Promise<T[]> {
  const results: T[] = [];
  if (!liveOutput()) {
    for (const step of steps) {
      const { result, done } = await step.run((message) => process.stderr.write(`sandpit: ${step.name}: ${message}\n`));
      process.stderr.write(`sandpit: ${step.name}: ${done}\n`);
      results.push(result);
    }
    return results;
  }
  const view = liveList(
    steps.map((step) => ({
      title: step.name,
      task: async (_: unknown, task: { title: string }) => {
        const say = (message: string) => (task.title = `${step.name}  ${message}`);
        try {
          const { result, done } = await step.run(say);
          say(done);
          results.push(result);
        } catch (error) {
          say('failed');
          throw error;
        }
      },
    })),
    { concurrent: false },
  );
  await view.run();
  return results;
}
