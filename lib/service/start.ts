import { docker } from '../docker/client.js';
import { SandpitError, type Stage } from '../errors.js';
import { removeContainer } from '../cleanup/remove.js';
import { keepDetached } from '../cleanup/watchdog.js';
import { waitFor } from '../readiness/wait.js';
import { noticesIn } from '../seeds/index.js';
import type { Launch } from '../snapshots/launch.js';
import type { Target } from '../preset.js';
import type { NoExtraKeys, PresetName, Service, StartOptions, StartedFrom } from '../types.js';
import { execIn, exitOf, logsOf, type Ended } from './container.js';
import { createContainer, fillAndStart, hostPorts, type Held } from './create.js';
import { LOG_LINES, failure } from './failure.js';
import { StartedService } from './handle.js';
import { planLaunch } from './plan.js';
import { internalEndpoint } from './internal.js';
import { refuseOwnLabels } from '../options/labels.js';

/**
 * Starts a preset (or any image) and resolves once the service really answers.
 * Whatever fails on the way, the container is removed before the error reaches the caller.
 */
// (A wrapper generic over the options, `<T extends StartOptions>(o: T) => start(o)`, passes `o as StartOptions`:
// a key check cannot be made on a type still generic. A fallback overload for it let every typo through again.)
export async function start<const O extends PresetName | StartOptions>(input: O & NoExtraKeys<O>): Promise<StartedFrom<O>>;
export async function start(input: PresetName | StartOptions): Promise<Service> {
  // From plain JavaScript, start('redis', { port: 6380 }) dropped its options without a word. Only an
  // object: names.map(start) passes an index and the array, and must keep working.
  const extra: unknown = arguments[1];
  if (typeof extra === 'object' && extra !== null && !Array.isArray(extra)) {
    const preset = typeof input === 'string' ? input : String((input as { preset?: string }).preset ?? 'redis');
    throw new SandpitError('INVALID_OPTION', `start() takes one argument: put the options with the preset, start({ preset: '${preset}', ...options }).`);
  }
  refuseOwnLabels(input);
  const service = await launch(input);
  if (isDetached(input)) keepDetached([service.containerId]);
  return service;
}

/**
 * start() without its caller checks, for sandpit's own: a group (group.ts), which says when a detached
 * service's start is over (once the whole group is ready, as a group that fails removes the ones that were),
 * and warm reuse, whose labels are sandpit's (it hands its containers on with them).
 */
export const startOwn = (input: PresetName | StartOptions): Promise<StartedService> => launch(input);

export const isDetached = (input: PresetName | StartOptions): boolean => typeof input === 'object' && input.detached === true;

/** `via`: lib/snapshots' container to take a snapshot from, with the image and options it chose. */
async function launch(input: PresetName | StartOptions, via?: Launch): Promise<StartedService> {
  const plan = await planLaunch(input, via, launch);
  const { n, say, engine, host, options } = plan;
  const held: Held = { id: await createContainer(plan, plan.hostPort) };

  const stop = new AbortController();
  let stage: Stage = 'start';
  try {
    await fillAndStart(plan, held);
    const { id } = held;
    const { published, address } = await hostPorts(engine, id, plan.ports);
    // After the inspect, not beside it: the wait holds its connection until the start is over, and over
    // ssh:// a request beside it opens another (a login). A container that died first answers it at once.
    const ended = exitOf(engine, id, stop.signal);
    const port = n.preset.containerPort === undefined ? 0 : (published[n.preset.containerPort] ?? 0);
    const target: Target = {
      host,
      port,
      exec: async (command) => execIn(await docker(), id, command),
      logs: async () => logsOf(await docker(), id),
      logsSince: async (since) => logsOf(await docker(), id, undefined, since),
      running: async () => (await engine.inspect(id)).State.Running,
    };
    stage = 'ready';
    say('ready', 'waiting until it answers');
    const { probe, exited, endedClean } = readyWhen(() => n.preset.probe(target, options), ended, via?.endsAfterInit);
    const outcome = await waitFor(probe, { timeoutMs: n.startupTimeoutMs, exited });
    if (!outcome.ok) throw (await n.preset.explainStop?.(await target.logs().catch(() => ''), options)) ?? new SandpitError('NOT_READY', `${n.name}: ${outcome.reason}`);
    if (!endedClean()) await n.preset.prepare?.(target, options);
    // Seeds ran in this container (not in a snapshot's, whose notices the snapshot keeps: lib/snapshots/use.ts):
    // what sandpit's own scripts said about their data (lib/seeds/notices.ts).
    if (!via && (n.preset.archives?.(options).length ?? 0) > 0) {
      for (const notice of noticesIn(await target.logs().catch(() => ''))) say('ready', notice, true);
    }
    say('ready', 'ready');
    return new StartedService({
      name: n.name,
      preset: n.presetName,
      containerId: id,
      host,
      port,
      ports: published,
      url: n.preset.url(target, options),
      ...(address && n.preset.containerPort !== undefined ? { internal: internalEndpoint(n.preset, { host: address, port: n.preset.containerPort }, options) } : {}),
      clientCommand: n.preset.client?.(target, options) ?? '',
      extras: n.preset.extras?.(options) ?? {},
    });
  } catch (error) {
    const logs = await docker().then((client) => logsOf(client, held.id, LOG_LINES)).catch(() => '');
    await removeContainer(held.id).catch(() => {});
    throw failure(n, stage, error, logs);
  } finally {
    stop.abort();
  }
}

/**
 * What the wait polls, and what ends it as a death. A container that may end once its first start's
 * work is done (lib/snapshots: Launch.endsAfterInit) is ready when it answers, or when it exits with the
 * code that says so; any other exit, 0 included (a sourced init script's `exit 0`), is the failure it was.
 */
function readyWhen(probe: () => Promise<void>, ended: Promise<Ended>, endsAfterInit: { exitCode: number } | undefined) {
  if (!endsAfterInit) return { probe, exited: ended.then((e) => e.how), endedClean: () => false };
  let clean = false;
  const never = new Promise<never>(() => {});
  return {
    probe: () => Promise.race([probe(), ended.then((e) => (e.code === endsAfterInit.exitCode ? void (clean = true) : never))]),
    exited: ended.then((e) => (e.code === endsAfterInit.exitCode ? never : e.how)),
    endedClean: () => clean,
  };
}
