import net from 'node:net';
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
 * testcontainers answers the bridge gateway (e.g. 172.17.0.1) when /.dockerenv exists and the engine's
 * bridge network reports one: when this process runs in a container, even one that shares its network
 * namespace with the engine (CI boxes that are themselves containers). A port bound to loopback on an
 * engine reached through a local socket is only reachable on loopback, so the gateway would be refused;
 * that case is decided here, the rest is left to testcontainers (a remote DOCKER_HOST,
 * TESTCONTAINERS_HOST_OVERRIDE, ports bound to 0.0.0.0).
 */
export function hostOf(engine: ContainerRuntimeClient | EngineReach, bindAddress: string): string {
  const override = hostOverride();
  if (override) return override;
  const { local, runtimeHost } = 'container' in engine ? reachOf(engine) : engine;
  if (isLoopback(bindAddress) && local && !process.env.TESTCONTAINERS_HOST_OVERRIDE) return bindAddress;
  return runtimeHost === 'localhost' ? '127.0.0.1' : runtimeHost;
}

const isLoopback = (address: string): boolean =>
  net.isIPv4(address) ? address.startsWith('127.') : address === '::1';
