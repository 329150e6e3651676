import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import type { ConnectConfig } from 'ssh2';
import type { ContainerRuntimeClient } from 'testcontainers';
import { sshEngines } from './address.js';

/**
 * An engine at ssh://user@host[:port], which testcontainers cannot reach (it has no ssh strategy).
 * dockerode's modem speaks ssh itself: it runs `docker system dial-stdio` on the far side, as the
 * Docker CLI does, so the remote user needs the docker CLI and access to the engine there.
 * Authentication: the ssh agent (SSH_AUTH_SOCK), else the first unencrypted default key in ~/.ssh.
 */
export async function sshClient(uri: string): Promise<ContainerRuntimeClient> {
  const url = new URL(uri);
  const [{ default: Dockerode }, { Client }, runtime, containers, images, networks] = await Promise.all([
    import('dockerode'),
    import('ssh2'),
    import('testcontainers/build/container-runtime/index.js'),
    import('testcontainers/build/container-runtime/clients/container/docker-container-client.js'),
    import('testcontainers/build/container-runtime/clients/image/docker-image-client.js'),
    import('testcontainers/build/container-runtime/clients/network/docker-network-client.js'),
  ]);
  const ssh: ConnectConfig = {
    host: url.hostname,
    port: Number(url.port || 22),
    username: decodeURIComponent(url.username) || os.userInfo().username,
    ...sshAuth(),
  };
  // Plain HTTP over an ssh channel per connection. Not dockerode's own `protocol: 'ssh'`: its modem
  // builds "ssh:host:port" URLs, which Node deprecates (DEP0170) and will one day refuse.
  const agent = new http.Agent();
  agent.createConnection = (_options, done) => {
    const connection = new Client();
    let settled = false;
    const settle = (error: Error | null, stream?: Duplex) => {
      if (settled) return;
      settled = true;
      done?.(error, stream as never);
    };
    connection
      .once('ready', () =>
        connection.exec('docker system dial-stdio', (error, stream) => {
          if (error) return (connection.end(), settle(error));
          stream.once('close', () => connection.end());
          settle(null, stream as unknown as Duplex);
        }),
      )
      // `on`, not `once`: a second error (the socket reset after the stream was handed over) must not
      // be an unhandled 'error' event; the stream's own close tells the request.
      .on('error', (error) => settle(error))
      // A server that drops the connection after its banner and before the login ends (sshd's
      // start-up throttling, a killed pre-auth child) gets 'close' alone from ssh2: without this the
      // engine request would wait for ever.
      .once('close', () => settle(new Error(`ssh to ${ssh.host}:${ssh.port} closed before the login finished`)))
      .connect(ssh);
    return undefined as never;
  };
  const dockerode = new Dockerode({ protocol: 'http', host: url.hostname, port: ssh.port, agent } as Dockerode.DockerOptions);
  sshEngines.set(dockerode.modem, uri);
  const info = await dockerode.info();
  const index = info.IndexServerAddress || 'https://index.docker.io/v1/';
  return new runtime.ContainerRuntimeClient(
    {
      node: { version: process.version, architecture: process.arch, platform: process.platform },
      containerRuntime: {
        host: url.hostname,
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

function sshAuth(): Pick<ConnectConfig, 'agent' | 'privateKey'> {
  if (process.env.SSH_AUTH_SOCK) return { agent: process.env.SSH_AUTH_SOCK };
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const file = path.join(os.homedir(), '.ssh', name);
    if (existsSync(file)) return { privateKey: readFileSync(file) };
  }
  return {};
}
