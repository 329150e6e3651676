import { randomBytes } from 'node:crypto';
import type { EngineCalls } from '../docker/calls.js';
import { docker } from '../docker/client.js';
import { copyFolders } from '../files/copy.js';
import { SandpitError, describe } from '../errors.js';
import { LABEL, ownerLabels } from '../cleanup/labels.js';
import { projectTag } from '../cleanup/project.js';
import { startWatchdog, startingDetached } from '../cleanup/watchdog.js';
import { endsWithUs } from '../cleanup/namespace-end.js';
import { ownContainer } from '../engine/own-container.js';
import { removeContainer } from '../cleanup/remove.js';
import { copyArchives, copyFiles } from './container.js';
import { nameInUse } from './names.js';
import { portHolder } from './port-holder.js';
import type { LaunchPlan } from './plan.js';
import { networkAddress } from './internal.js';

/** The container a start works on (its id); replaced in place when a lost port race makes a second one. */
export interface Held {
  id: string;
}

/** Creates the plan's container on `hostPort` ('' for any free one). No container exists if it throws. */
export async function createContainer({ n, engine, image, options, snapshot, spec, ports, bindAddress, placed }: LaunchPlan, hostPort: string): Promise<string> {
  // Before the container exists: whatever ends this process from here on, the watchdog reaps it. A
  // detached one too, until its start is over (its `sandpit.starter` label: lib/cleanup/watchdog.ts).
  startWatchdog();
  if (n.detached) startingDetached();
  // Measured once per process, and only in a container whose end is ours (one inspect, shared with bind.ts).
  const own = !n.detached && endsWithUs() ? await ownContainer(engine) : undefined;
  const owner = own?.verified ? own.id : undefined;
  try {
    return await engine.create({
      Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
      ...(spec.command ? { Cmd: spec.command } : {}),
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
      ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
      ExposedPorts: Object.fromEntries(ports.map((p) => [`${p}/tcp`, {}])),
      HostConfig: {
        Init: spec.init ?? false,
        PortBindings: Object.fromEntries(ports.map((p, i) => [`${p}/tcp`, [{ HostIp: bindAddress, HostPort: i === 0 ? hostPort : '' }]])),
        Mounts: placed.mounts.map((m) => ({ Type: 'bind' as const, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      },
      Image: image,
      // A detached service is found by its name later: Docker refuses a second container of one
      // name atomically, where a check first would race with a parallel `up -d`. Per project.
      name: n.detached ? `sandpit-${n.name}-${projectTag()}` : `sandpit-${n.name}-${randomBytes(3).toString('hex')}`,
      Labels: {
        [LABEL.managed]: 'true',
        [LABEL.name]: n.name,
        [LABEL.preset]: n.presetName,
        // Lets `sandpit ls`, `exec` and the Jest workers rebuild url and credentials later.
        [LABEL.options]: JSON.stringify(options),
        ...ownerLabels(n.detached),
        ...(owner ? { [LABEL.ownerContainer]: owner } : {}),
        ...snapshot?.labels,
        ...n.labels,
      },
    });
  } catch (cause) {
    if (n.detached && (cause as { statusCode?: number }).statusCode === 409) throw nameInUse(n.name, cause);
    throw new SandpitError('IMAGE_UNAVAILABLE', `${n.name}: could not create a container from ${image}: ${describe(cause)}`, {
      cause,
      service: n.name,
      stage: 'create',
    });
  }
}

/**
 * Puts the plan's files in and starts the container. A lost race for a 'standard' port (another start
 * took it between the check and the bind) replaces the container with one on a free port.
 */
export async function fillAndStart(plan: LaunchPlan, held: Held): Promise<void> {
  const { n, say, options, snapshot, placed } = plan;
  const files = { ...n.preset.files?.(options, { fromSnapshot: snapshot !== undefined }), ...snapshot?.files };
  const archives = n.preset.archives?.(options) ?? [];
  const fill = async (id: string) => {
    // Copies go through the full client: a start that copies nothing never loads it.
    if (placed.copies.length === 0 && Object.keys(files).length === 0 && archives.length === 0) return;
    const c = (await docker()).container.dockerode.getContainer(id);
    await copyFolders(c, placed.copies);
    await copyFiles(c, files);
    await copyArchives(c, archives);
  };
  await fill(held.id);
  say('start', 'starting');
  const lost = await plan.engine.start(held.id).then(
    () => undefined,
    async (error: unknown) => (await portError(n.name, error, n.port, held.id)) ?? Promise.reject(addressError(n.name, error, plan.bindAddress, n.bindAddress !== undefined) ?? error),
  );
  if (!lost) return;
  // 'standard' is a preference; a port the user named is not.
  if (n.port !== 'standard') throw lost;
  say('create', `port ${plan.hostPort} was taken while starting; using a free port instead`, true);
  await removeContainer(held.id);
  held.id = await createContainer(plan, '');
  await fill(held.id);
  await plan.engine.start(held.id);
}

/**
 * Container port → the host port it got, and the container's address on its network (what other containers
 * reach it at: lib/service/internal.ts). One engine call, skipped when nothing is published.
 */
export async function hostPorts(engine: EngineCalls, id: string, ports: number[]): Promise<{ published: Record<number, number>; address?: string }> {
  if (ports.length === 0) return { published: {} };
  const settings = (await engine.inspect(id)).NetworkSettings;
  const published: Record<number, number> = {};
  for (const [key, hosts] of Object.entries(settings.Ports ?? {})) {
    const hostPort = hosts?.[0]?.HostPort;
    if (hostPort) published[Number.parseInt(key, 10)] = Number(hostPort);
  }
  const address = networkAddress(settings.Networks);
  return address ? { published, address } : { published };
}

/**
 * The engine's machine has no such address: Docker's words were the whole first line, under NOT_READY. One the
 * user gave is theirs to change; one sandpit chose (the job container's gateway, lib/engine/bind.ts: a rootless
 * engine binds where that address does not exist) is overridden with bindAddress.
 */
function addressError(service: string, error: unknown, bindAddress: string, given: boolean): SandpitError | undefined {
  if (!/cannot assign requested address/i.test(describe(error))) return undefined;
  const what = given
    ? `bindAddress ${bindAddress} is not an address of the engine's machine: give one of its addresses, or leave bindAddress unset.`
    : `the engine could not publish on ${bindAddress}, which sandpit chose (this container's gateway): set bindAddress, e.g. 0.0.0.0 (on the command line --bind-address).`;
  return new SandpitError(given ? 'INVALID_OPTION' : 'NOT_READY', `${service}: ${what} (${describe(error)})`, { cause: error, service, stage: 'start', ...(given ? { option: 'bindAddress' } : {}) });
}

async function portError(service: string, error: unknown, port: LaunchPlan['n']['port'], id: string): Promise<SandpitError | undefined> {
  if (!/port is already allocated|address already in use/i.test(describe(error))) return undefined;
  // A remote engine's ports are checked only here, at its bind: the holder may be a sandpit service there.
  const held = typeof port === 'number' ? await portHolder(port, id) : undefined;
  return new SandpitError('PORT_IN_USE', `${service}: the host port is already in use${held ? `: ${held}` : ''} (${describe(error)}). Pick another port, or leave port unset.`, {
    cause: error,
    service,
    stage: 'start',
  });
}
