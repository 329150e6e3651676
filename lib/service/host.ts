import type { ContainerRuntimeClient } from 'testcontainers';
import type { EngineReach } from '../docker/calls.js';
import { isLocalEngine } from '../docker/client.js';
import { hostOverride } from '../engine/bind.js';

export type { EngineReach };

export const reachOf = (client: ContainerRuntimeClient): EngineReach => ({ local: isLocalEngine(client), runtimeHost: client.info.containerRuntime.host });

/**
 * SANDPIT_HOST wins over everything below: the user knows their network.
 *
 * Where a port published on `bindAddress` is reached from here. Never "localhost": Node may try ::1 first.
 *
 * A port published on one address of a local engine's machine (loopback, or the gateway of this
 * process's own container network: engine/own-container.ts) is reached at that address only.
 * testcontainers' answer (e.g. the default bridge's gateway when /.dockerenv exists) would be refused
 * there; the rest is left to it (a remote DOCKER_HOST, TESTCONTAINERS_HOST_OVERRIDE, ports on 0.0.0.0).
 */
export function hostOf(engine: ContainerRuntimeClient | EngineReach, bindAddress: string): string {
  const override = hostOverride();
  if (override) return override;
  const { local, runtimeHost } = 'container' in engine ? reachOf(engine) : engine;
  if (!isWildcard(bindAddress) && local && !process.env.TESTCONTAINERS_HOST_OVERRIDE) return bindAddress;
  return runtimeHost === 'localhost' ? '127.0.0.1' : runtimeHost;
}

const isWildcard = (address: string): boolean => address === '0.0.0.0' || address === '::';
