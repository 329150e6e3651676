import type { CommandModule } from 'yargs';

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
      .check((a) => (a.all || (a.names?.length ?? 0) > 0 ? true : 'Name the services to remove, or pass --all.'))
      .example('$0 down db cache', 'remove two services')
      .example('$0 down --all', 'remove every detached service')
      .example('$0 down --all --dry-run', 'list what --all would remove') as never,
  handler: async ({ names = [], all, 'dry-run': dryRun }) => {
    const { listServices } = await import('../../lib/service/list.js');
    const [{ removeContainer }, { removeReused }] = await Promise.all([import('../../lib/cleanup/remove.js'), import('../../lib/cleanup/reused.js')]);
    const { SandpitError } = await import('../../lib/errors.js');
    const { matches } = await import('../../lib/service/names.js');
    const services = await listServices();
    // A running process owns the others; removing them under it would break its tests. Warm ones
    // (reuse) belong to no process for long: `down` is how a person removes them before their idle time.
    const detached = services.filter((s) => s.owner === 'detached' || s.owner === 'reused');
    const missing = names.filter((n) => !detached.some((s) => matches(n, s)));
    if (missing.length > 0) {
      const owned = missing.filter((n) => services.some((s) => matches(n, s)));
      const why = owned.length
        ? ` ${owned.join(', ')} belong${owned.length === 1 ? 's' : ''} to a running process (see \`sandpit ls\`): end it, and its containers go with it.`
        : '';
      const running = [...new Set(detached.map((s) => s.name))].join(', ') || 'none';
      throw new SandpitError('NOT_FOUND', `No detached service named ${missing.map((n) => `"${n}"`).join(', ')}.${why} Detached: ${running}.`);
    }
    const doomed = detached.filter((s) => all || names.some((n) => matches(n, s)));
    if (!dryRun) await Promise.all(doomed.map((s) => (s.owner === 'reused' ? removeReused(s.containerId) : removeContainer(s.containerId))));
    const list = doomed.length ? `: ${doomed.map((s) => s.name).join(', ')}` : '';
    process.stderr.write(`sandpit: ${dryRun ? 'would remove' : 'removed'} ${doomed.length} service${doomed.length === 1 ? '' : 's'}${list}\n`);
  },
};
