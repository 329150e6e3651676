import net from 'node:net';
import type { ContainerRuntimeClient } from 'testcontainers';

/** How this process reaches the engine, read back from the client that connected. */
export interface EngineAddress {
  /** unix:///var/run/docker.sock, tcp://10.0.0.5:2376, ssh://ci@build-box… */
  uri: string;
  /**
   * The engine's ports are this machine's ports: a socket here, or tcp/ssh to a loopback address.
   * Says nothing of files: whether the engine sees this machine's disk is measured (visibility.ts).
   */
  local: boolean;
  /** The engine's machine as a tcp/ssh engine names it; undefined for a socket. */
  hostname?: string;
}

interface Modem {
  socketPath?: unknown;
  host?: string;
  port?: string | number;
  protocol?: string;
  username?: string;
}

/** Modems that reach their engine over ssh (engine/ssh.ts): the address the user gave, and the machine ssh resolved it to. */
export const sshEngines = new WeakMap<object, { uri: string; hostname: string }>();

export function engineAddress(client: ContainerRuntimeClient): EngineAddress {
  const modem = client.container.dockerode.modem as Modem;
  const ssh = sshEngines.get(modem);
  if (ssh) return { ...ssh, local: isLoopbackHost(ssh.hostname) };
  if (typeof modem.socketPath === 'string' && modem.socketPath !== '') return { uri: socketUri(modem.socketPath), local: true };
  const hostname = modem.host ?? 'localhost';
  const scheme = modem.protocol === 'ssh' ? 'ssh' : 'tcp';
  const user = modem.username ? `${modem.username}@` : '';
  const port = modem.port ? `:${modem.port}` : '';
  return { uri: `${scheme}://${user}${hostname}${port}`, local: isLoopbackHost(hostname), hostname };
}

/** unix:///var/run/docker.sock, or npipe:////./pipe/docker_engine for a Windows pipe. */
export const socketUri = (socketPath: string): string => `${socketPath.startsWith('//./pipe/') ? 'npipe' : 'unix'}://${socketPath}`;

export const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || (net.isIPv4(host) ? host.startsWith('127.') : host === '::1' || host === '[::1]');

/**
 * Whether a few short requests are better sent side by side than one after another. Over ssh:// a
 * request sent while another is under way opens a connection of its own, which is a login (~0.45 s
 * here: ssh, then `docker system dial-stdio` on the far side): one after another reuses the kept one.
 */
export const parallelRequests = (address: EngineAddress): boolean => !address.uri.startsWith('ssh://');
