import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { ContainerInspectInfo } from 'dockerode';

/** What is asked of the engine: an inspect by id or name (lib/docker/calls.ts answers it). */
export interface Inspects {
  inspect(id: string): Promise<ContainerInspectInfo>;
}

/**
 * Where a local engine's ports must be published when this process runs in a container of that
 * engine, reached through a mounted socket (a devcontainer, a CI job container given
 * /var/run/docker.sock): the engine's loopback is the host's, not ours, so a service published on
 * 127.0.0.1 never answers here. The gateway of our container's network is the host's address on
 * that bridge: reachable from our container (and the host), not from the rest of the network.
 *
 * Undefined when we are not in a container, share the host's network (`--network host`), or are
 * no container of this engine (its inspect says 404). Measured once per process: one inspect.
 */
export function ownGateway(engine: Inspects): Promise<string | undefined> {
  measured ??= measure(engine).catch(() => undefined); // undecidable: the loopback default, as before
  return measured;
}

let measured: Promise<string | undefined> | undefined;

async function measure(engine: Inspects): Promise<string | undefined> {
  if (!existsSync('/.dockerenv') && !existsSync('/run/.containerenv')) return undefined;
  const id = ownContainerId();
  if (!id) return undefined;
  let info = await engine.inspect(id).catch(() => undefined);
  // A job sharing another container's network (`--network container:<id>`, a pod) uses that one's.
  const shared = /^container:(.+)$/.exec(info?.HostConfig.NetworkMode ?? '')?.[1];
  if (shared) info = await engine.inspect(shared).catch(() => undefined);
  if (!info || info.HostConfig.NetworkMode === 'host') return undefined;
  return Object.values(info.NetworkSettings.Networks ?? {}).find((network) => network.Gateway)?.Gateway || undefined;
}

/**
 * Our container's id, from the files the engine bind-mounts into every container (/etc/hostname,
 * /etc/hosts, /etc/resolv.conf come from …/containers/<id>/…); else a hostname Docker gave it.
 */
function ownContainerId(): string | undefined {
  const mounts = existsSync('/proc/self/mountinfo') ? readFileSync('/proc/self/mountinfo', 'utf8') : '';
  for (const line of mounts.split('\n')) {
    const [, , , root, mountPoint] = line.split(' ');
    if (!/^\/etc\/(hostname|hosts|resolv\.conf)$/.test(mountPoint ?? '')) continue;
    const id = /\/containers\/([0-9a-f]{64})\//.exec(root ?? '')?.[1];
    if (id) return id;
  }
  const hostname = os.hostname();
  return /^[0-9a-f]{12}$/.test(hostname) ? hostname : undefined;
}
