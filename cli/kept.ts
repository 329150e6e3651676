import { createHash } from 'node:crypto';
import type { Service, StartOptions } from '../lib/types.js';

/**
 * `up -d` run again, as a dev script or a CI step does each time (compose's `up -d` is "up to date" then): a
 * detached service of this project that runs under the same options is kept, not refused (it failed the
 * script with NAME_IN_USE, and the one missing service of a config was not started either). One of that name
 * with other options, or stopped, is still refused: which of the two is wanted is the person's to say.
 * Returns the kept ones by name, and the key each start is labelled with (LABEL.given).
 */
export async function keptRunning(
  list: StartOptions[],
  names: string[],
  setup: Record<string, string> = {},
  configured: ReadonlyMap<string, string> = new Map(),
): Promise<{ kept: Map<string, Service>; keys: Map<StartOptions, string> }> {
  const [{ listServices }, { nameInUse }, { inProject }, { reuseKey }, { StartedService }, { alive }, { machine }] = await Promise.all([
    import('../lib/service/list.js'),
    import('../lib/service/names.js'),
    import('../lib/cleanup/project.js'),
    import('../lib/reuse/key.js'),
    import('../lib/service/handle.js'),
    import('../lib/cleanup/alive.js'),
    import('../lib/cleanup/machine.js'),
  ]);
  // An `up -d` of this machine still at work on it (two at once from an npm script, or one run again at once):
  // its container runs before it is ready, or before its start fails and it is removed.
  const starting = (starter: string | undefined, project: string | undefined) => {
    const pid = Number(starter?.split('-')[0]);
    return project?.startsWith(`${machine}:`) === true && pid > 0 && pid !== process.pid && alive(pid) ? pid : undefined;
  };
  // A config's setup command is part of what it was asked to be (lib/setup).
  const keyOf = async (options: StartOptions, i: number) => {
    const key = await reuseKey(options);
    const command = setup[names[i]!];
    return command === undefined ? key : createHash('sha256').update(`${key}\n${command}`).digest('hex').slice(0, 32);
  };
  const [running, keyList] = await Promise.all([listServices(), Promise.all(list.map(keyOf))]);
  const keys = new Map(list.map((options, i) => [options, keyList[i]!]));
  const kept = new Map<string, Service>();
  for (const [i, name] of names.entries()) {
    const taken = running.find((s) => s.owner === 'detached' && s.name === name && inProject(s.project));
    if (!taken) continue;
    const pid = starting(taken.starter, taken.project);
    if (pid !== undefined) throw nameInUse(name, undefined, ` (still starting, by \`sandpit up\` pid ${pid}: wait for it to finish)`, configured.get(name));
    if (taken.state !== 'running' || taken.givenKey !== keyList[i]) {
      const why = taken.state !== 'running' ? taken.state : taken.givenKey ? await otherwise(list[i]!, taken.containerId, setup[name]) : 'started by an older sandpit';
      throw nameInUse(name, undefined, ` (${[taken.url, why].filter(Boolean).join(', ')})`, configured.get(name));
    }
    kept.set(name, new StartedService(taken));
  }
  return { kept, keys };
}

/**
 * What differs, as far as the container's labels tell: the options given now that it was not started with (its
 * label holds them resolved: an option left out since, or a seed's contents, show only in the key).
 */
async function otherwise(given: StartOptions, id: string, setup: string | undefined): Promise<string> {
  const [{ docker }, { LABEL }] = await Promise.all([import('../lib/docker/client.js'), import('../lib/cleanup/labels.js')]);
  try {
    const labels = (await (await docker()).container.dockerode.getContainer(id).inspect()).Config.Labels ?? {};
    const was = JSON.parse(labels[LABEL.options] ?? '{}') as Record<string, unknown>;
    // initScripts: the label holds them as the preset plans them (paths made absolute, commands split), not as given.
    const skip = new Set(['name', 'detached', 'onProgress', 'labels', 'startupTimeout', 'preset', 'image', 'initScripts']);
    const keys = Object.entries(given).filter(([key, value]) => !skip.has(key) && JSON.stringify(value) !== JSON.stringify(was[key])).map(([key]) => key);
    if (keys.length > 0) return `with other options: ${keys.join(', ')}`;
  } catch {
    // gone meanwhile, or labels unread: said without the detail
  }
  return `with other ${['initScripts' in given ? 'init scripts (or their contents)' : '', setup === undefined ? '' : 'setup', 'options'].filter(Boolean).join(' or ')}`;
}
