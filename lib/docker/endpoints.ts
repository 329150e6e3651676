import { existsSync, readFileSync } from 'node:fs';
import { contextDockerHost } from '../engine/context.js';
import os from 'node:os';
import path from 'node:path';

/**
 * The places a Docker engine may be reached, in the order testcontainers tries them, so
 * errors and `sandpit doctor` can name each one. Reading them costs a few stat() calls.
 */
export interface Endpoint {
  source: string;
  uri: string;
  exists: boolean;
}

export function dockerEndpoints(env: NodeJS.ProcessEnv = process.env): Endpoint[] {
  const found: Endpoint[] = [];
  const add = (source: string, uri: string) => {
    const socket = uri.startsWith('unix://') ? uri.slice('unix://'.length) : undefined;
    found.push({ source, uri, exists: socket === undefined || existsSync(socket) });
  };
  if (env.TESTCONTAINERS_HOST_OVERRIDE) add('TESTCONTAINERS_HOST_OVERRIDE', env.TESTCONTAINERS_HOST_OVERRIDE);
  if (env.DOCKER_HOST) add('DOCKER_HOST', env.DOCKER_HOST);
  const fromProperties = propertiesDockerHost();
  if (fromProperties) add('~/.testcontainers.properties', fromProperties);
  const context = contextDockerHost(env);
  if (context) add(`docker context "${context.name}"`, context.host);
  add('default socket', 'unix:///var/run/docker.sock');
  const home = os.homedir();
  const rootless = [
    env.XDG_RUNTIME_DIR && path.join(env.XDG_RUNTIME_DIR, 'docker.sock'),
    path.join(home, '.docker', 'run', 'docker.sock'),
    path.join(home, '.docker', 'desktop', 'docker.sock'),
    typeof process.getuid === 'function' ? `/run/user/${process.getuid()}/docker.sock` : undefined,
  ];
  for (const socket of new Set(rootless.filter((s): s is string => Boolean(s)))) add('rootless socket', `unix://${socket}`);
  return found;
}

/** docker.host in ~/.testcontainers.properties, which testcontainers tries after DOCKER_HOST. */
export function propertiesDockerHost(): string | undefined {
  try {
    const text = readFileSync(path.join(os.homedir(), '.testcontainers.properties'), 'utf8');
    return /^docker\.host\s*=\s*(.+)$/m.exec(text)?.[1]?.trim();
  } catch {
    return undefined;
  }
}
