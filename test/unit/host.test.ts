import { afterEach, describe, expect, test } from '@jest/globals';
import type { ContainerRuntimeClient } from 'testcontainers';
import { hostOf } from '../../lib/service/host.js';

/** Just the two fields hostOf reads: how the engine is reached, and what testcontainers made of it. */
const client = (modem: object, host: string) =>
  ({ container: { dockerode: { modem } }, info: { containerRuntime: { host } } }) as unknown as ContainerRuntimeClient;

// What testcontainers answers when this process runs in a container (/.dockerenv) beside a local engine.
const inContainer = client({ socketPath: '/var/run/docker.sock' }, '172.17.0.1');

describe('hostOf', () => {
  const saved = process.env.TESTCONTAINERS_HOST_OVERRIDE;
  afterEach(() => {
    if (saved === undefined) delete process.env.TESTCONTAINERS_HOST_OVERRIDE;
    else process.env.TESTCONTAINERS_HOST_OVERRIDE = saved;
  });

  test('a loopback-bound port on a local engine is reached on loopback, not on the bridge gateway', () => {
    delete process.env.TESTCONTAINERS_HOST_OVERRIDE;
    expect(hostOf(inContainer, '127.0.0.1')).toBe('127.0.0.1');
  });

  test('a port bound to every address is reached where testcontainers says', () => {
    expect(hostOf(inContainer, '0.0.0.0')).toBe('172.17.0.1');
  });

  test('"localhost" becomes 127.0.0.1, because Node may try ::1 first', () => {
    expect(hostOf(client({ socketPath: '/var/run/docker.sock' }, 'localhost'), '0.0.0.0')).toBe('127.0.0.1');
  });

  test('a remote engine is reached at its own host', () => {
    expect(hostOf(client({ host: 'build-box', port: '2375' }, 'build-box'), '127.0.0.1')).toBe('build-box');
  });

  test('TESTCONTAINERS_HOST_OVERRIDE wins, as it does in testcontainers', () => {
    process.env.TESTCONTAINERS_HOST_OVERRIDE = '10.0.0.5';
    expect(hostOf(client({ socketPath: '/var/run/docker.sock' }, '10.0.0.5'), '127.0.0.1')).toBe('10.0.0.5');
  });
});
