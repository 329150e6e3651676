import type { ContainerInfo } from 'dockerode';
import { docker, engineChoice } from '../docker/client.js';
import { rememberedEngine } from '../docker/remembered.js';
import { socketReads } from '../docker/socket-reads.js';
import { reachOf, type EngineReach } from '../service/host.js';

/** What a warm run reads of the engine before it decides to take over or to start. */
export interface WarmReads {
  found: ContainerInfo[];
  isRunning(id: string): Promise<boolean>;
  reach: EngineReach;
}

/**
 * Lists containers for a warm run: on the socket the last full connect used when it is still the
 * engine the user selects (a plain GET, no testcontainers runtime), else, or when that read fails,
 * through the full client. A run that takes everything over then never connects in full.
 */
export async function warmReads(filters: Record<string, string[]>): Promise<WarmReads> {
  const remembered = rememberedEngine(engineChoice());
  if (remembered) {
    const reads = socketReads(remembered.socketPath);
    const found = await reads.listContainers(filters).catch(() => undefined);
    if (found) return { found, isRunning: reads.isRunning, reach: { local: true, runtimeHost: remembered.host } };
  }
  const client = await docker();
  return {
    found: await client.container.dockerode.listContainers({ filters }),
    isRunning: (id) => client.container.dockerode.getContainer(id).inspect().then((i) => i.State.Running, () => false),
    reach: reachOf(client),
  };
}
