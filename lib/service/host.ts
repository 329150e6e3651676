import net from 'node:net';
import type { ContainerRuntimeClient } from 'testcontainers';
import { isLocalEngine } from '../docker/client.js';
import { hostOverride } from '../engine/bind.js';

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
export function hostOf(client: ContainerRuntimeClient, bindAddress: string): string {
  const override = hostOverride();
  if (override) return override;
  if (isLoopback(bindAddress) && isLocalEngine(client) && !process.env.TESTCONTAINERS_HOST_OVERRIDE) return bindAddress;
  const host = client.info.containerRuntime.host;
  return host === 'localhost' ? '127.0.0.1' : host;
}

const isLoopback = (address: string): boolean =>
  net.isIPv4(address) ? address.startsWith('127.') : address === '::1';
