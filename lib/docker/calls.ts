import type { ContainerCreateOptions, ContainerInfo, ContainerInspectInfo, ImageInspectInfo } from 'dockerode';
import { buffer } from 'node:stream/consumers';
import type { ContainerRuntimeClient } from 'testcontainers';
import { engineAddress, socketUri, type EngineAddress } from '../engine/address.js';
import { docker, engineChoice, isLocalEngine } from './client.js';
import { rememberedEngine, type RememberedEngine } from './remembered.js';
import { socketCall } from './socket-http.js';

/** What decides the host a published port is reached at: how the engine is reached, and where testcontainers says it is. */
export interface EngineReach {
  /** Reached through a socket on this machine (not tcp://). */
  local: boolean;
  /** client.info.containerRuntime.host. */
  runtimeHost: string;
}

/**
 * The engine calls on a start's critical path, from finding its image to its container running.
 * Errors keep docker-modem's shape (`statusCode`, the engine's message), so callers read both alike.
 */
export interface EngineCalls {
  address: EngineAddress;
  reach: EngineReach;
  /** The image's inspect, or undefined when the engine does not have it. */
  image(name: string): Promise<ImageInspectInfo | undefined>;
  /** Creates a container (`name` as Docker takes it); resolves with its id. */
  create(options: ContainerCreateOptions): Promise<string>;
  start(id: string): Promise<void>;
  inspect(id: string): Promise<ContainerInspectInfo>;
  /** Resolves once the container stops running; rejects once `signal` aborts or it is removed. */
  wait(id: string, signal: AbortSignal): Promise<{ StatusCode?: number }>;
  /** SIGKILL and removal with its anonymous volumes, in one call. */
  remove(id: string): Promise<void>;
  list(filters: Record<string, string[]>): Promise<ContainerInfo[]>;
  /** A tar archive of `path` in the container (GET /containers/{id}/archive), read whole: small files only. */
  archive(id: string, path: string): Promise<Buffer>;
}

let pending: Promise<EngineCalls> | undefined;

/**
 * The calls on the engine the last full connect remembered (a local socket, still the one the user
 * selects), as plain HTTP: a cold start then creates and starts its container without loading
 * testcontainers' runtime first (~200 ms of loading here, mostly dockerode's ssh2 and gRPC, which
 * a unix socket never uses). Otherwise, or when that socket does not answer, the full client's.
 * Everything else (copies, exec, logs, pulls, builds) goes through the full client, loaded when first used.
 */
export function engineCalls(): Promise<EngineCalls> {
  pending ??= choose().catch((error: unknown) => {
    pending = undefined; // as docker(): a later call may find the engine started
    throw error;
  });
  return pending;
}

async function choose(): Promise<EngineCalls> {
  const remembered = rememberedEngine(engineChoice());
  // A ping first (~1 ms): a socket left behind by a stopped engine must not fail the start.
  if (remembered && (await socketCall(remembered.socketPath, '/_ping', { timeoutMs: 1000 }).then(() => true, () => false))) {
    return socketCalls(remembered);
  }
  return callsThrough(await docker());
}

/** Long enough for an engine busy starting other containers on a small machine; a hung engine still ends. */
const CALL_TIMEOUT_MS = 60_000;

function socketCalls({ socketPath, host }: RememberedEngine): EngineCalls {
  const call = (path: string, options: Parameters<typeof socketCall>[2] = {}) => socketCall(socketPath, path, { timeoutMs: CALL_TIMEOUT_MS, ...options });
  const json = async <T>(path: string, options?: Parameters<typeof socketCall>[2]) => JSON.parse((await call(path, options)).body) as T;
  const at = (id: string) => `/containers/${encodeURIComponent(id)}`;
  return {
    address: { uri: socketUri(socketPath), local: true },
    reach: { local: true, runtimeHost: host },
    // encodeURI, not encodeURIComponent: the path keeps a name's `/`, `:` and `@` as docker-modem sends them.
    image: (name) => json<ImageInspectInfo>(`/images/${encodeURI(name)}/json`).catch(absentAs404),
    create: async ({ name, ...body }) => (await json<{ Id: string }>(`/containers/create${name ? `?name=${encodeURIComponent(name)}` : ''}`, { method: 'POST', body })).Id,
    start: async (id) => void (await call(`${at(id)}/start`, { method: 'POST' })),
    inspect: (id) => json<ContainerInspectInfo>(`${at(id)}/json`),
    wait: (id, signal) => json<{ StatusCode?: number }>(`${at(id)}/wait`, { method: 'POST', timeoutMs: undefined, signal }),
    remove: async (id) => void (await call(`${at(id)}?force=true&v=true`, { method: 'DELETE' })),
    list: (filters) => json<ContainerInfo[]>(`/containers/json?all=true&filters=${encodeURIComponent(JSON.stringify(filters))}`),
    archive: async (id, path) => (await call(`${at(id)}/archive?path=${encodeURIComponent(path)}`)).raw,
  };
}

/** The same calls through a connected full client (any engine: remote, ssh, TLS). */
export function callsThrough(client: ContainerRuntimeClient): EngineCalls {
  const engine = client.container.dockerode;
  return {
    address: engineAddress(client),
    reach: { local: isLocalEngine(client), runtimeHost: client.info.containerRuntime.host },
    image: (name) => engine.getImage(name).inspect().catch(absentAs404),
    create: async (options) => (await client.container.create(options)).id,
    start: async (id) => void (await engine.getContainer(id).start()),
    inspect: (id) => engine.getContainer(id).inspect(),
    wait: (id, signal) => engine.getContainer(id).wait({ abortSignal: signal }) as Promise<{ StatusCode?: number }>,
    remove: async (id) => void (await engine.getContainer(id).remove({ force: true, v: true })),
    list: (filters) => engine.listContainers({ all: true, filters }),
    archive: async (id, path) => buffer(await engine.getContainer(id).getArchive({ path })),
  };
}

function absentAs404(error: unknown): undefined {
  if ((error as { statusCode?: number }).statusCode === 404) return undefined;
  throw error;
}
