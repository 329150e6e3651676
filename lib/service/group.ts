import { isPresetName, presetByName } from '../presets/index.js';
import type { PresetName, Service, StartedFrom, StartOptions } from '../types.js';
import { assertDistinctNames } from './names.js';
import { quietProgress } from './progress.js';
import { isDetached, startOwn } from './start.js';
import { keepDetached } from '../cleanup/watchdog.js';
import { refuseOwnLabels } from '../options/labels.js';

/** startAll's result: each service typed as start() types it, in the order given; `await using` stops them all. */
export type StartedGroup<L extends readonly (PresetName | StartOptions)[]> = { -readonly [K in keyof L]: StartedFrom<L[K]> } & AsyncDisposable;

/**
 * Starts several services in parallel. If any fails, the ones that did start are stopped
 * before the first error is rethrown: a half-started group leaves nothing behind (where
 * `Promise.all` of start() calls rejected at the first failure and left the others running).
 */
export async function startAll<const L extends readonly (PresetName | StartOptions)[]>(list: L): Promise<StartedGroup<L>> {
  list.forEach(refuseOwnLabels);
  return (await startGroup(list)) as unknown as StartedGroup<L>;
}

/**
 * startAll for sandpit's own callers, whose labels may be sandpit's (the CLI's `up -d`: LABEL.given). `keep: false`:
 * the caller keeps the detached ones itself (keepDetached), once its own steps after the start are done too.
 */
export async function startGroup(list: readonly (PresetName | StartOptions)[], { keep = true }: { keep?: boolean } = {}): Promise<Service[] & AsyncDisposable> {
  assertDistinctNames(list);
  const results = await Promise.allSettled(slowFirst(list).map((starting) => starting()));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled(started.map((s) => s.stop()));
    throw failed.reason;
  }
  // All or nothing for detached ones too, however this process ends: kept only now (start.ts).
  if (keep) keepDetached(started.filter((_, i) => isDetached(list[i]!)).map((s) => s.containerId));
  const dispose = async () => void (await Promise.all(started.map((s) => s.stop())));
  return Object.assign(started, { [Symbol.asyncDispose]: dispose });
}

/**
 * The engine starts containers largely one after another on a small machine, and the group is ready
 * when its slowest service is. A preset that boots slowly (mysql, a second or more after its container
 * runs) therefore goes first; the others start once its container runs (or its start failed), and are
 * ready long before it is. Measured on 2 cores: the group ready ~0.2 s sooner.
 */
function slowFirst(list: readonly (PresetName | StartOptions)[]): (() => Promise<Service>)[] {
  const slow = list.findIndex((o) => bootsSlowly(o));
  if (slow === -1 || list.length === 1) return list.map((options) => () => startOwn(options as StartOptions));
  let open: () => void = () => {};
  const running = new Promise<void>((resolve) => (open = resolve));
  const first = asOptions(list[slow]!);
  const watched: StartOptions = {
    ...first,
    onProgress: (event) => {
      if (event.stage === 'ready') open(); // the first 'ready' event: its container runs, now it waits
      (first.onProgress ?? quietProgress)(event);
    },
  };
  return list.map((options, i) =>
    i === slow
      ? () => startOwn(watched).finally(open)
      : () => running.then(() => startOwn(options as StartOptions)),
  );
}

const asOptions = (o: PresetName | StartOptions): StartOptions => (typeof o === 'string' ? { preset: o } : o);

function bootsSlowly(o: PresetName | StartOptions): boolean {
  const preset = typeof o === 'string' ? o : 'preset' in o ? o.preset : undefined;
  return preset !== undefined && isPresetName(preset) && presetByName(preset).bootsSlowly === true;
}
