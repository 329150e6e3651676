import type { CommandModule } from 'yargs';
import type { RefresherNote } from '../../lib/reuse/refreshing.js';
import type { ServiceInfo } from '../../lib/service/list.js';

interface Args {
  names?: string[];
  all?: boolean;
  'dry-run'?: boolean;
}

export const down: CommandModule<object, Args> = {
  command: 'down [names..]',
  describe: 'Remove services left running by `up --detach`',
  builder: (y) =>
    y
      .positional('names', { type: 'string', array: true, describe: 'service names or container ids (see `sandpit ls`)' })
      .option('all', { type: 'boolean', describe: 'every detached service' })
      .option('dry-run', { type: 'boolean', describe: 'say what would be removed, and remove nothing' })
      .check((a) => (a.all || (a.names?.length ?? 0) > 0 ? true : 'Name the services to remove (see `sandpit ls`), or pass --all for every detached service on this engine, anyone\'s (--dry-run lists them).'))
      .example('$0 down db cache', 'remove two services')
      .example('$0 down --all', 'remove every detached service')
      .example('$0 down --all --dry-run', 'list what --all would remove') as never,
  handler: async ({ names = [], all, 'dry-run': dryRun }) => {
    const { listServices } = await import('../../lib/service/list.js');
    const [{ removeContainer }, { removeReused }] = await Promise.all([import('../../lib/cleanup/remove.js'), import('../../lib/cleanup/reused.js')]);
    const { refreshing, refreshersEnded } = await import('../../lib/reuse/refreshing.js');
    const { SandpitError } = await import('../../lib/errors.js');
    const { matches } = await import('../../lib/service/names.js');
    const wanted = (s: ServiceInfo) => all || names.some((n) => matches(n, s));
    // A refresher's note names the service and the changed container it removes: by id prefix too.
    const notes = (n: string, r: RefresherNote) => matches(n, { name: r.name, containerId: r.id });
    const covers = (r: RefresherNote) => all || names.some((n) => notes(n, r));
    // A running process owns the others; removing them under it would break its tests. Warm ones
    // (reuse) belong to no process for long: `down` is how a person removes them before their idle time.
    const removable = (list: ServiceInfo[]) => list.filter((s) => s.owner === 'detached' || s.owner === 'reused');
    const services = await listServices();
    const detached = removable(services);
    // Read after the list: a warm one a refresher replaces now may be in neither (lib/reuse/refreshing.ts).
    const busy = refreshing();
    const missing = names.filter((n) => !detached.some((s) => matches(n, s)) && !busy.some((r) => notes(n, r)));
    if (missing.length > 0) {
      const owned = missing.filter((n) => services.some((s) => matches(n, s)));
      const why = owned.length
        ? ` ${owned.join(', ')} belong${owned.length === 1 ? 's' : ''} to a running process (see \`sandpit ls\`): end it, and its containers go with it.`
        : '';
      const running = [...new Set(detached.map((s) => s.name))].join(', ') || 'none';
      // All or nothing: a typo among the names must not leave the rest half removed.
      throw new SandpitError('NOT_FOUND', `No detached service named ${missing.map((n) => `"${n}"`).join(', ')}; nothing was removed.${why} Detached: ${running}.`);
    }
    const remove = (list: ServiceInfo[]) => Promise.all(list.map((s) => (s.owner === 'reused' ? removeReused(s.containerId) : removeContainer(s.containerId))));
    const doomed = detached.filter(wanted);
    if (!dryRun) {
      await remove(doomed);
      // Then: a refresher of one of these that started before the removal puts a replacement up; it
      // is waited for, and what it left removed (one that starts after finds its container gone).
      // By name: every warm service of that name; by id: the replacement of that container only.
      const replacers = refreshing().filter(covers);
      const replacing = [...new Set(replacers.map((r) => r.name))];
      if (replacing.length > 0) {
        process.stderr.write(`sandpit: waiting for ${replacing.join(', ')} to be replaced by a refresher (a run changed ${replacing.length === 1 ? 'it' : 'them'}), to remove the replacement too\n`);
        await refreshersEnded(covers);
        const replacement = (s: ServiceInfo) => all || names.includes(s.name) || replacers.some((r) => r.name === s.name && r.key !== undefined && r.key === s.reuseKey);
        const left = removable(await listServices()).filter((s) => s.owner === 'reused' && replacement(s));
        await remove(left);
        doomed.push(...left);
      }
    }
    const list = doomed.length ? `: ${[...new Set(doomed.map((s) => s.name))].join(', ')}` : '';
    process.stderr.write(`sandpit: ${dryRun ? 'would remove' : 'removed'} ${doomed.length} service${doomed.length === 1 ? '' : 's'}${list}\n`);
  },
};
