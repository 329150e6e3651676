import { randomBytes } from 'node:crypto';
import type Dockerode from 'dockerode';
import type { ContainerRuntimeClient } from 'testcontainers';
import { docker } from '../docker/client.js';
import { engineAddress } from '../engine/address.js';
import { defaultBindAddress } from '../engine/bind.js';
import { copyFolders, placeFiles } from '../files/copy.js';
import { SandpitError, describe, isSandpitError, type Stage } from '../errors.js';
import { resolveImage } from '../images/resolve.js';
import { LABEL, ownerLabels } from '../cleanup/labels.js';
import { startWatchdog } from '../cleanup/watchdog.js';
import { removeContainer } from '../cleanup/remove.js';
import { sweepOnce } from '../cleanup/sweep.js';
import { normalise, type Normalised } from '../options/normalise.js';
import { planPort } from '../ports/plan.js';
import { nameInUse } from './names.js';
import { waitFor } from '../readiness/wait.js';
import type { Launch } from '../snapshots/launch.js';
import { snapshotFor } from '../snapshots/use.js';
import type { Target } from '../preset.js';
import type { PresetName, StartOptions, StartedFrom } from '../types.js';
import { copyArchives, copyFiles, execIn, exitOf, logsOf } from './container.js';
import { StartedService } from './handle.js';
import { hostOf } from './host.js';
import { quietProgress } from './progress.js';

const LOG_LINES = 20;

/**
 * Starts a preset (or any image) and resolves once the service really answers.
 * Whatever fails on the way, the container is removed before the error reaches the caller.
 */
export async function start<const O extends PresetName | StartOptions>(input: O): Promise<StartedFrom<O>> {
  return (await launch(input)) as unknown as StartedFrom<O>;
}

/** `via`: lib/snapshots' container to take a snapshot from, with the image and options it chose. */
async function launch(input: PresetName | StartOptions, via?: Launch): Promise<StartedService> {
  const n = normalise(input);
  // Client libraries load while Docker creates the container, not on the first probe.
  void n.preset.warmup?.().catch(() => {});
  const say = (stage: Stage, message: string, notice = false) => (n.onProgress ?? quietProgress)({ service: n.name, stage, message, notice });

  const resolved = via?.options ?? (await n.preset.resolve(n.presetOptions));
  const client = await docker();
  sweepOnce();

  say('pull', 'finding image');
  const { image: base } = via ?? await resolveImage(
    { name: n.presetName, image: n.preset.image, offline: n.preset.offline },
    n.presetName === 'custom' ? n.preset.image : n.image,
    (event) => say(event.stage, event.message, event.notice),
  ).catch((error: unknown) => {
    throw failure(n, 'pull', error, ''); // no container yet; the error still names its service
  });
  const snapshot = via ?? (await fromSnapshot(n, input, resolved, base, say));
  const image = snapshot?.image ?? base;
  const options = snapshot?.options ?? resolved;

  const bindAddress = n.bindAddress ?? defaultBindAddress(client);
  const host = hostOf(client, bindAddress);
  const plan = await planPort(n.name, n.port, { bindAddress, standardPort: n.preset.standardPort, local: engineAddress(client).local });
  if (plan.notice) say('create', plan.notice, true);
  const notice = n.preset.notice?.(options);
  if (notice) say('create', notice, true);

  say('create', `creating container from ${image}`);
  const spec = { ...n.preset.container(options), ...(snapshot && { command: snapshot.command, workingDir: snapshot.workingDir }) };
  // Local folders reach a remote engine as copies (lib/files/copy.ts).
  const placed = await placeFiles(client, image, n.name, spec.mounts ?? []).catch((error: unknown) => {
    throw failure(n, 'create', error, ''); // asking the engine what it sees can fail too; no container yet
  });
  const ports = [n.preset.containerPort, ...(n.preset.extraPorts ?? [])].filter((p): p is number => p !== undefined);
  const createWith = (hostPort: string) => create(client, n, image, options, { ...snapshot?.labels, ...n.labels }, {
    Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(spec.command ? { Cmd: spec.command } : {}),
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    ExposedPorts: Object.fromEntries(ports.map((p) => [`${p}/tcp`, {}])),
    HostConfig: {
      Init: spec.init ?? false,
      PortBindings: Object.fromEntries(
        ports.map((p, i) => [`${p}/tcp`, [{ HostIp: bindAddress, HostPort: i === 0 ? hostPort : '' }]]),
      ),
      Mounts: placed.mounts.map((m) => ({ Type: 'bind' as const, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
    },
  });
  let container = await createWith(plan.hostPort);

  const stop = new AbortController();
  let stage: Stage = 'start';
  try {
    const files = { ...n.preset.files?.(options), ...snapshot?.files };
    // What goes in before a container starts; again for the one that replaces it on a lost port race.
    const fill = async (c: Dockerode.Container) => {
      await copyFolders(c, placed.copies);
      await copyFiles(c, files);
      await copyArchives(c, n.preset.archives?.(options) ?? []);
    };
    await fill(container);
    say('start', 'starting');
    const started = await container.start().then(
      () => undefined,
      (error: unknown) => portError(n.name, error) ?? Promise.reject(error),
    );
    if (started) {
      // 'standard' is a preference: another start took the port between our check and the bind.
      if (n.port !== 'standard') throw started;
      say('create', `port ${plan.hostPort} was taken while starting; using a free port instead`, true);
      await removeContainer(container.id);
      container = await createWith('');
      await fill(container);
      await container.start();
    }
    const exited = exitOf(container, stop.signal);
    const published = await hostPorts(container);
    const port = n.preset.containerPort === undefined ? 0 : (published[n.preset.containerPort] ?? 0);
    const target: Target = {
      host,
      port,
      exec: (command) => execIn(client, container.id, command),
      logs: () => logsOf(client, container.id),
    };
    stage = 'ready';
    say('ready', 'waiting until it answers');
    const outcome = await waitFor(() => n.preset.probe(target, options), { timeoutMs: n.startupTimeoutMs, exited });
    if (!outcome.ok) throw (await n.preset.explainStop?.(await target.logs().catch(() => ''), options)) ?? new SandpitError('NOT_READY', `${n.name}: ${outcome.reason}`);
    await n.preset.prepare?.(target, options);
    say('ready', 'ready');
    const url = n.preset.url(target, options);
    const service = new StartedService({
      name: n.name,
      preset: n.presetName,
      containerId: container.id,
      host,
      port,
      ports: published,
      url,
      clientCommand: n.preset.client?.(target, options) ?? '',
      extras: n.preset.extras?.(options) ?? {},
      client,
    });
    return service;
  } catch (error) {
    const logs = await logsOf(client, container.id, LOG_LINES).catch(() => '');
    await removeContainer(container.id).catch(() => {});
    throw failure(n, stage, error, logs);
  } finally {
    stop.abort();
  }
}

/** The snapshot to start from (taken now by a container of `base` if there is none), or undefined. */
function fromSnapshot(n: Normalised, input: PresetName | StartOptions, options: object, base: string, say: (stage: Stage, message: string, notice?: boolean) => void) {
  // Taken on any free port, owned by this process (reaped if it dies), never itself from a snapshot.
  // Never with the caller's labels: a warm-reuse claim or a `detached` owner on the builder would be
  // committed into the image (blanked, yet present) and passed to every service started from it.
  const own = { ...(typeof input === 'string' ? { preset: input } : input), port: undefined, detached: false, snapshot: false, labels: undefined } as StartOptions;
  return snapshotFor({
    preset: n.preset,
    options,
    image: base,
    enabled: n.snapshot,
    say: (message, notice) => say('build', message, notice),
    launch: (via) => launch(own, via),
  }).catch((error: unknown) => {
    throw failure(n, 'build', error, '');
  });
}

async function create(
  client: ContainerRuntimeClient,
  n: Normalised,
  image: string,
  resolved: object,
  labels: Record<string, string>,
  options: Dockerode.ContainerCreateOptions,
) {
  // Before the container exists: whatever ends this process from here on, the watchdog reaps it.
  if (!n.detached) startWatchdog();
  try {
    const container = await client.container.create({
      ...options,
      Image: image,
      // A detached service is found by its name later: Docker refuses a second container of one
      // name atomically, where a check first would race with a parallel `up -d`.
      name: n.detached ? `sandpit-${n.name}` : `sandpit-${n.name}-${randomBytes(3).toString('hex')}`,
      Labels: {
        [LABEL.managed]: 'true',
        [LABEL.name]: n.name,
        [LABEL.preset]: n.presetName,
        // Lets `sandpit ls`, `exec` and the Jest workers rebuild url and credentials later.
        [LABEL.options]: JSON.stringify(resolved),
        ...ownerLabels(n.detached),
        ...labels,
      },
    });
    return container;
  } catch (cause) {
    if (n.detached && (cause as { statusCode?: number }).statusCode === 409) throw nameInUse(n.name, cause);
    throw new SandpitError('IMAGE_UNAVAILABLE', `${n.name}: could not create a container from ${image}: ${describe(cause)}`, {
      cause,
      service: n.name,
      stage: 'create',
    });
  }
}

async function hostPorts(container: Dockerode.Container): Promise<Record<number, number>> {
  const bindings = (await container.inspect()).NetworkSettings.Ports ?? {};
  const ports: Record<number, number> = {};
  for (const [key, hosts] of Object.entries(bindings)) {
    const hostPort = hosts?.[0]?.HostPort;
    if (hostPort) ports[Number.parseInt(key, 10)] = Number(hostPort);
  }
  return ports;
}

function portError(service: string, error: unknown): SandpitError | undefined {
  if (!/port is already allocated|address already in use/i.test(describe(error))) return undefined;
  return new SandpitError('PORT_IN_USE', `${service}: the host port is already in use (${describe(error)}). Pick another port, or leave port unset.`, {
    cause: error,
    service,
    stage: 'start',
  });
}

function failure(n: Normalised, stage: Stage, error: unknown, logs: string): SandpitError {
  // Preset messages start "mysql: …"; a service named "db" should be named in its own error.
  const presetPrefix = `${n.presetName}: `;
  if (isSandpitError(error) && n.name !== n.presetName && error.message.startsWith(presetPrefix)) {
    const message = `${n.name} (${n.presetName}): ${error.message.slice(presetPrefix.length)}`;
    error = new SandpitError(error.code, message, { ...error, cause: error.cause ?? error });
  }
  const tail = logs.trimEnd().split('\n').slice(-LOG_LINES).join('\n');
  const withLogs = tail ? `\nLast ${LOG_LINES} log lines of ${n.name}:\n${tail}` : '';
  if (isSandpitError(error)) {
    return new SandpitError(error.code, `${error.message}${withLogs}`, {
      cause: error.cause ?? error,
      service: n.name,
      stage: error.stage ?? stage,
      logs: tail,
    });
  }
  return new SandpitError('NOT_READY', `${n.name}: failed at ${stage}: ${describe(error)}${withLogs}`, {
    cause: error,
    service: n.name,
    stage,
    logs: tail,
  });
}
