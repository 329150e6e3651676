import { engineCalls } from '../lib/docker/calls.js';
import { isSandpitError } from '../lib/errors.js';
import { checkOptions } from '../lib/service/check.js';
import { startGroup } from '../lib/service/group.js';
import { refuseOwnLabels } from '../lib/options/labels.js';
import { serviceName } from '../lib/options/name.js';
import { assertDistinctNames } from '../lib/service/names.js';
import type { ProgressEvent, Service, StartOptions } from '../lib/types.js';
import { liveOutput } from './output.js';

type Task = { title: string; output: string };

/**
 * Starts services in parallel as the library's startAll does (all or nothing), showing a live line
 * per service on a terminal and plain `sandpit: name: step` lines otherwise, all on stderr so
 * stdout stays the result. `plain: 'notices'` keeps only the lines worth reading (for `shell`).
 */
export async function startWithProgress(
  given: StartOptions[],
  { plain = 'all', labels, keep = true }: { plain?: 'all' | 'notices'; labels?: (options: StartOptions) => Record<string, string>; keep?: boolean } = {},
): Promise<Service[]> {
  // Bad input and a missing engine are one plain line each, not a failed line per service.
  assertDistinctNames(given);
  given.forEach(refuseOwnLabels);
  for (const options of given) await checkOptions(options);
  // sandpit's own labels (`labels`), after the user's were checked to be none of them.
  const list = labels ? given.map((o) => ({ ...o, labels: { ...o.labels, ...labels(o) } })) : given;
  await engineCalls();
  if (!liveOutput()) return startPlain(list, plain, keep);
  return startLive(list, keep);
}

/** Plain lines: "ready in 1.2 s" as the live view says it, and which ready ones a failed group removed. */
async function startPlain(list: StartOptions[], plain: 'all' | 'notices', keep: boolean): Promise<Service[]> {
  const began = Date.now();
  const ready: string[] = [];
  const say = ({ service, stage, message, notice }: ProgressEvent) => {
    const done = stage === 'ready' && message === 'ready';
    if (done) ready.push(service);
    const line = done ? `ready in ${((Date.now() - began) / 1000).toFixed(1)} s` : message;
    if (notice || plain === 'all') process.stderr.write(`sandpit: ${service}: ${line}\n`);
  };
  return startGroup(list.map((o) => ({ ...o, onProgress: say })), { keep }).catch((error: unknown) => {
    // All or nothing: a line each, or a log read later shows a service ready and never gone.
    const failed = isSandpitError(error) ? error.service : undefined;
    for (const name of ready.filter((n) => n !== failed)) process.stderr.write(`sandpit: ${name}: removed${failed ? `, as ${failed} failed` : ''}\n`);
    throw error;
  });
}

async function startLive(list: StartOptions[], keep: boolean): Promise<Service[]> {
  const names = list.map(serviceName);
  const tasks = new Map<string, Task>();
  const began = Date.now();
  const update = ({ service, stage, message, notice }: ProgressEvent) => {
    const task = tasks.get(service);
    if (!task) return;
    const ready = stage === 'ready' && message === 'ready';
    task.title = `${service}  ${ready ? `ready in ${((Date.now() - began) / 1000).toFixed(1)} s` : message}`;
    if (notice) task.output = message; // kept under the line after it finishes
  };
  const group = startGroup(list.map((o) => ({ ...o, onProgress: update })), { keep });
  // listr2 (~25 ms of import) only where lines are redrawn: a terminal, not CI logs or pipes.
  const { liveList } = await import('./live.js');
  const view = liveList(
    names.map((name) => ({
      title: name,
      rendererOptions: { persistentOutput: true },
      // Each line settles with the group: all or nothing, so a ready service whose neighbour
      // failed is shown as removed, not as a success.
      task: async (_: unknown, task: Task) => {
        tasks.set(name, task);
        await group.catch((error: unknown) => failed(name, task, error));
      },
    })),
    { concurrent: true },
  );
  // The view never fails the start: the group's outcome is what counts.
  await view.run().catch(() => {});
  return group;
}

/** Marks this service's line: the one that failed, or one removed because another failed. */
function failed(name: string, task: Task, error: unknown): never {
  const culprit = isSandpitError(error) ? error.service : undefined;
  task.title = culprit === undefined || culprit === name ? `${name}  failed` : `${name}  removed: ${culprit} failed`;
  throw error;
}
