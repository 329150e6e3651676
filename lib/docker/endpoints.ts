import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

function propertiesDockerHost(): string | undefined {
  try {
    const text = readFileSync(path.join(os.homedir(), '.testcontainers.properties'), 'utf8');
    return /^docker\.host\s*=\s*(.+)$/m.exec(text)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/** The current `docker context`, which testcontainers itself does not read. */
export function contextDockerHost(env: NodeJS.ProcessEnv = process.env): { name: string; host: string } | undefined {
  try {
    const dir = env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker');
    const name = env.DOCKER_CONTEXT ?? JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')).currentContext;
    if (!name || name === 'default') return undefined;
    const metaDir = path.join(dir, 'contexts', 'meta');
    for (const entry of readdirSafe(metaDir)) {
      const meta = JSON.parse(readFileSync(path.join(metaDir, entry, 'meta.json'), 'utf8'));
      if (meta.Name === name && meta.Endpoints?.docker?.Host) return { name, host: meta.Endpoints.docker.Host };
    }
  } catch {
    // No config or an unreadable one: there is simply no context to try.
  }
  return undefined;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
