import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type Dockerode from 'dockerode';
import type { ContainerRuntimeClient } from 'testcontainers';
import { sshEngines } from './address.js';
import { sshAgent, sshDestination } from './ssh-transport.js';

/**
 * An engine at ssh://[user@]host[:port], which testcontainers cannot reach (it has no ssh
 * strategy): the user's `ssh` runs `docker system dial-stdio` on that machine, as the Docker CLI
 * does (ssh-transport.ts), so the remote user needs the docker CLI and access to the engine there.
 */
export async function sshClient(uri: string): Promise<ContainerRuntimeClient> {
  const url = new URL(uri);
  const [{ default: Dockerode }, runtime, containers, images, networks] = await Promise.all([
    import('dockerode'),
    import('testcontainers/build/container-runtime/index.js'),
    import('testcontainers/build/container-runtime/clients/container/docker-container-client.js'),
    import('testcontainers/build/container-runtime/clients/image/docker-image-client.js'),
    import('testcontainers/build/container-runtime/clients/network/docker-network-client.js'),
  ]);
  const destination = sshDestination(url);
  // Plain HTTP over ssh. Not dockerode's own `protocol: 'ssh'`: it reads neither ~/.ssh/config nor
  // known_hosts, logs in afresh for every request, and builds "ssh:host:port" URLs, which Node
  // deprecates (DEP0170).
  const agent = sshAgent(destination);
  const hostname = await sshHostname(destination);
  const dockerode = new Dockerode({ protocol: 'http', host: hostname, port: 22, agent } as Dockerode.DockerOptions);
  sshEngines.set(dockerode.modem, { uri, hostname });
  const info = await dockerode.info();
  const index = info.IndexServerAddress || 'https://index.docker.io/v1/';
  return new runtime.ContainerRuntimeClient(
    {
      node: { version: process.version, architecture: process.arch, platform: process.platform },
      containerRuntime: {
        host: hostname,
        hostIps: [],
        remoteSocketPath: '/var/run/docker.sock',
        indexServerAddress: index,
        serverVersion: info.ServerVersion,
        operatingSystem: info.OperatingSystem,
        operatingSystemType: info.OSType,
        architecture: info.Architecture,
        cpus: info.NCPU,
        memory: info.MemTotal,
        runtimes: Object.keys(info.Runtimes ?? {}),
        labels: info.Labels ?? [],
      },
    },
    undefined as never, // compose: sandpit never uses it
    new containers.DockerContainerClient(dockerode),
    new images.DockerImageClient(dockerode, index),
    new networks.DockerNetworkClient(dockerode),
  );
}

/**
 * The machine an ssh:// address leads to, as ssh resolves it (`ssh -G`: a Host alias's HostName):
 * services published there are reached at that name, which the alias itself may not be in DNS.
 */
async function sshHostname(destination: string[]): Promise<string> {
  const host = destination.at(-1)!;
  try {
    const { stdout } = await promisify(execFile)('ssh', ['-G', ...destination], { timeout: 5000 });
    return /^hostname (\S+)$/m.exec(stdout)?.[1] ?? host;
  } catch {
    return host; // no ssh: the first request says so, in words (ssh-transport.ts)
  }
}
