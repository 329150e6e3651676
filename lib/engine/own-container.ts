import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { ContainerInspectInfo } from 'dockerode';

/** What is asked of the engine: an inspect by id or name (lib/docker/calls.ts answers it). */
export interface Inspects {
  inspect(id: string): Promise<ContainerInspectInfo>;
}

/** What the engine says of the container this process runs in (see ownContainer). */
export interface OwnContainer {
  /** Its full id on the engine. */
  id: string;
  /**
   * Where a local engine's ports must be published from here: the engine's loopback is the host's,
   * not ours, so a service published on 127.0.0.1 never answers here. The gateway of our container's
   * network is the host's address on that bridge: reachable from our container (and the host), not
   * from the rest of the network. Undefined on the host's network (`--network host`): loopback works.
   */
  gateway?: string;
  /** Our container's mounts, as the engine reports them. */
  mounts: OwnMount[];
  /**
   * Whether it is ours for sure: its overlay's upper layer is our root's. Sharing another container's network
   * (`--network container:X`, a pod) gives us X's /etc/hostname: the id found is then X's, fine for the
   * network, not for saying whose services these are (lib/cleanup: the owner container's label).
   */
  verified: boolean;
}

export interface OwnMount {
  /** bind, volume, tmpfs…: only a bind's source is a path the engine can bind again (see lib/files/engine-path.ts). */
  type: string;
  /** The engine's path (a volume's is inside the engine's own store). */
  source: string;
  /** Our path. */
  destination: string;
  writable: boolean;
}

/**
 * The container of this engine that this process runs in, reached through a mounted socket (a
 * devcontainer, a CI job container given /var/run/docker.sock). Undefined when we are not in a
 * container, or in none of this engine's (its inspect says 404). Measured once per process: one
 * inspect (two when our network is another container's).
 */
export function ownContainer(engine: Inspects): Promise<OwnContainer | undefined> {
  measured ??= measure(engine).catch(() => undefined); // undecidable: loopback and copies, as before
  return measured;
}

/** ownContainer's gateway: where ports are published from inside a container of the engine (lib/engine/bind.ts). */
export const ownGateway = async (engine: Inspects): Promise<string | undefined> => (await ownContainer(engine))?.gateway;

let measured: Promise<OwnContainer | undefined> | undefined;

async function measure(engine: Inspects): Promise<OwnContainer | undefined> {
  if (!existsSync('/.dockerenv') && !existsSync('/run/.containerenv')) return undefined;
  const id = ownContainerId();
  if (!id) return undefined;
  const own = await engine.inspect(id).catch(() => undefined);
  if (!own) return undefined;
  const upper = (own as { GraphDriver?: { Data?: { UpperDir?: string } } }).GraphDriver?.Data?.UpperDir;
  const verified = upper !== undefined && rootUpperDir() === upper;
  const mounts = (own.Mounts ?? []).flatMap((m) => (m.Destination ? [{ type: String(m.Type), source: m.Source ?? '', destination: m.Destination, writable: m.RW !== false }] : []));
  // A job sharing another container's network (`--network container:<id>`, a pod) uses that one's.
  const shared = /^container:(.+)$/.exec(own.HostConfig.NetworkMode ?? '')?.[1];
  const net = shared ? await engine.inspect(shared).catch(() => undefined) : own;
  if (!net || net.HostConfig.NetworkMode === 'host') return { id: own.Id, mounts, verified };
  const gateway = Object.values(net.NetworkSettings.Networks ?? {}).find((network) => network.Gateway)?.Gateway || undefined;
  return gateway ? { id: own.Id, gateway, mounts, verified } : { id: own.Id, mounts, verified };
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

/** The upper layer of our root file system's overlay (the engine's path of our container's writable layer). */
function rootUpperDir(): string | undefined {
  const mounts = existsSync('/proc/self/mountinfo') ? readFileSync('/proc/self/mountinfo', 'utf8') : '';
  const root = mounts.split('\n').find((line) => line.split(' ')[4] === '/');
  return root ? /(?:^|,)upperdir=([^,]+)/.exec(root.split(' - ')[1] ?? '')?.[1] : undefined;
}
