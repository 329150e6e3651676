import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
