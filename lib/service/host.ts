import type { ContainerRuntimeClient } from 'testcontainers';

/** Where published ports are reached from here. Never "localhost": Node may try ::1 first. */
export function hostOf(client: ContainerRuntimeClient): string {
  const host = client.info.containerRuntime.host;
  return host === 'localhost' ? '127.0.0.1' : host;
}
