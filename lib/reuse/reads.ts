import type { ContainerInfo } from 'dockerode';
import { text } from 'node:stream/consumers';
import type { ContainerRuntimeClient } from 'testcontainers';
import { docker, engineChoice } from '../docker/client.js';
import { rememberedEngine } from '../docker/remembered.js';
import { engineClock, eventLines, isPodman, socketReads, type SocketReads } from '../docker/socket-reads.js';
import { reachOf, type EngineReach } from '../service/host.js';

/** What a warm run reads of the engine before it decides to take over or to start. */
export interface WarmReads extends Omit<SocketReads, 'listContainers'> {
  found: ContainerInfo[];
  reach: EngineReach;
}

/**
 * Lists containers for a warm run: on the socket the last full connect used when it is still the
 * engine the user selects (a plain GET, no testcontainers runtime), else, or when that read fails,
 * through the full client. A run that takes everything over then never connects in full.
 */
export async function warmReads(filters: Record<string, string[]>, { events = false } = {}): Promise<WarmReads> {
  const remembered = rememberedEngine(engineChoice());
  if (remembered) {
    const { listContainers, ...reads } = socketReads(remembered.socketPath);
    // The engine's clock (GET /info, the slowest read: ~40 ms) comes in beside the list, not after it.
    if (events) reads.clockAhead();
    const found = await listContainers(filters).catch(() => undefined);
    if (found) return { found, ...reads, reach: { local: true, runtimeHost: remembered.host } };
  }
  return fullReads(filters, { events });
}

/** The same reads through testcontainers' client: any engine, remote ones too. */
export async function fullReads(filters: Record<string, string[]>, { events = false } = {}): Promise<WarmReads> {
  const client = await docker();
  const reads = clientReads(client);
  if (events) reads.clockAhead();
  return { ...reads, found: await client.container.dockerode.listContainers({ filters }) };
}

/** The reads besides the list, through a connected full client. */
function clientReads(client: ContainerRuntimeClient): Omit<WarmReads, 'found'> {
  const engine = client.container.dockerode;
  const engineNow = engineClock(async () => (await engine.info()).SystemTime);
  // Which engine decides how its history is asked for up to now (historyEnd); asked beside the clock.
  let podman: Promise<boolean> | undefined;
  const clockAhead = () => {
    podman ??= engine.version().then(isPodman, () => false);
    void engineNow().catch(() => {});
  };
  return {
    clockAhead,
    started: (id) => engine.getContainer(id).inspect().then((i) => (i.State.Running ? i.State.StartedAt : undefined), () => undefined),
    events: async (eventFilters, since) => {
      clockAhead();
      const until = await engineNow();
      const end = (await podman) ? { stream: false } : { until };
      // Bounded: an engine or proxy that ignored `until` would keep the stream open for good.
      const stream = await engine.getEvents({ since, ...end, filters: eventFilters, abortSignal: AbortSignal.timeout(5000) } as Parameters<typeof engine.getEvents>[0]);
      return eventLines(await text(stream));
    },
    reach: reachOf(client),
  };
}

/** Reads of containers by id, for a detached process that has no list to start from (see startedAt). */
export async function idReads(): Promise<Pick<WarmReads, 'started' | 'events'>> {
  const remembered = rememberedEngine(engineChoice());
  if (remembered) return socketReads(remembered.socketPath);
  const reads = clientReads(await docker());
  reads.clockAhead();
  return reads;
}

/** When container `id` last started, if it runs (for a detached process that has no list to start from). */
export async function startedAt(id: string): Promise<string | undefined> {
  const remembered = rememberedEngine(engineChoice());
  const local = remembered ? await socketReads(remembered.socketPath).started(id) : undefined;
  return local ?? clientReads(await docker()).started(id);
}
