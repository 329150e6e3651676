import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ContainerRuntimeClient } from 'testcontainers';
import { engineAddress } from '../../lib/engine/address.js';
import { hostOverride, publishing } from '../../lib/engine/bind.js';
import type { EngineAddress } from '../../lib/engine/address.js';
import { applySelection } from '../../lib/engine/select.js';
import { sshDestination } from '../../lib/engine/ssh-transport.js';
import { tempFolder } from '../helpers/temp.js';

// Not in a container here: the engine is never asked about one.
const publishingOn = (address: EngineAddress) => publishing({ address, inspect: () => Promise.reject(new Error('not asked')) });
const client = (modem: object) => ({ container: { dockerode: { modem } } }) as unknown as ContainerRuntimeClient;

/** A DOCKER_CONFIG folder with one context, as `docker context create` + `docker context use` leave it. */
function dockerConfig(name: string, host: string, tls = false): string {
  const dir = tempFolder('docker-config');
  const digest = createHash('sha256').update(name).digest('hex');
  mkdirSync(path.join(dir, 'contexts', 'meta', digest), { recursive: true });
  writeFileSync(path.join(dir, 'contexts', 'meta', digest, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ currentContext: name }));
  if (tls) {
    const certs = path.join(dir, 'contexts', 'tls', digest, 'docker');
    mkdirSync(certs, { recursive: true });
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(path.join(certs, file), '');
  }
  return dir;
}

describe('engine selection, as the Docker CLI does it', () => {
  test('DOCKER_HOST wins over a context; a tcp address without a port gets 2375', () => {
    const env = { DOCKER_HOST: 'tcp://docker', DOCKER_CONFIG: dockerConfig('box', 'ssh://ci@box') };
    expect(applySelection(env)).toEqual({ uri: 'tcp://docker:2375', source: 'DOCKER_HOST' });
  });

  test('an address without a scheme is tcp://, as the Docker CLI reads it (it failed as an invalid URL)', () => {
    expect(applySelection({ DOCKER_HOST: '10.250.77.2:2375' })?.uri).toBe('tcp://10.250.77.2:2375');
    expect(applySelection({ DOCKER_HOST: 'docker' })?.uri).toBe('tcp://docker:2375');
  });

  test('with TLS: port 2376, DOCKER_TLS_VERIFY normalised, certificates from ~/.docker by default', () => {
    const env: NodeJS.ProcessEnv = { DOCKER_HOST: 'tcp://docker', DOCKER_TLS_VERIFY: 'true', DOCKER_CONFIG: '/nowhere' };
    expect(applySelection(env)?.uri).toBe('tcp://docker:2376');
    expect(env).toMatchObject({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nowhere' });
  });

  test('the current context (`docker context use`), with its own TLS files', () => {
    const config = dockerConfig('dind', 'tcp://10.0.0.5:2376', true);
    const env: NodeJS.ProcessEnv = { DOCKER_CONFIG: config };
    expect(applySelection(env)).toEqual({ uri: 'tcp://10.0.0.5:2376', source: 'docker context "dind" (`docker context use`)' });
    expect(env.DOCKER_HOST).toBe('tcp://10.0.0.5:2376');
    expect(env.DOCKER_CERT_PATH).toContain(path.join(config, 'contexts', 'tls'));
  });

  test('DOCKER_CONTEXT names the context; none at all leaves the local sockets', () => {
    const config = dockerConfig('remote', 'tcp://10.0.0.6:2375');
    expect(applySelection({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'remote' })?.source).toBe('docker context "remote" (DOCKER_CONTEXT)');
    expect(applySelection({ DOCKER_CONFIG: '/nowhere' })).toBeUndefined();
  });
});

describe('local or remote, and what follows for ports', () => {
  test('a socket, or tcp to loopback, is local: ports stay on 127.0.0.1', async () => {
    expect(engineAddress(client({ socketPath: '/var/run/docker.sock' }))).toEqual({ uri: 'unix:///var/run/docker.sock', local: true });
    expect(await publishingOn(engineAddress(client({ host: '127.0.0.1', port: '2375' })))).toEqual({ bindAddress: '127.0.0.1', ours: true });
  });

  test('tcp or ssh to another machine is remote: ports listen on all its addresses', async () => {
    expect(engineAddress(client({ host: 'docker', port: '2376', protocol: 'https' }))).toEqual({ uri: 'tcp://docker:2376', local: false, hostname: 'docker' });
    expect(engineAddress(client({ host: 'box', port: '22', protocol: 'ssh', username: 'ci' })).uri).toBe('ssh://ci@box:22');
    expect(await publishingOn(engineAddress(client({ host: 'docker', port: '2375' })))).toEqual({ bindAddress: '0.0.0.0', ours: false });
  });

  test('ssh:// addresses become ssh arguments as the Docker CLI passes them', () => {
    expect(sshDestination(new URL('ssh://ci@box:2222'))).toEqual(['-l', 'ci', '-p', '2222', '--', 'box']);
    expect(sshDestination(new URL('ssh://build-box'))).toEqual(['--', 'build-box']);
    expect(sshDestination(new URL('ssh://root@[::1]'))).toEqual(['-l', 'root', '--', '::1']);
  });

  test('SANDPIT_HOST overrides the address; nonsense in it is an INVALID_OPTION', () => {
    expect(hostOverride({ SANDPIT_HOST: 'dind.internal' })).toBe('dind.internal');
    expect(hostOverride({})).toBeUndefined();
    expect(() => hostOverride({ SANDPIT_HOST: 'http://x/' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
