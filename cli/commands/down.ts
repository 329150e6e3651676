import type { CommandModule } from 'yargs';

interface Args {
  names?: string[];
  all?: boolean;
}

export const down: CommandModule<object, Args> = {
  command: 'down [names..]',
  describe: 'Remove services left running by `up --detach`',
  builder: (y) =>
    y
      .positional('names', { type: 'string', array: true, describe: 'service names (see `sandpit ls`)' })
      .option('all', { type: 'boolean', describe: 'every detached service' })
      .check((a) => (a.all || (a.names?.length ?? 0) > 0 ? true : 'Name the services to remove, or pass --all.'))
      .example('$0 down db cache', 'remove two services')
      .example('$0 down --all', 'remove every detached service') as never,
  handler: async ({ names = [], all }) => {
    const { listServices } = await import('../../lib/service/list.js');
    const { removeContainer } = await import('../../lib/cleanup/remove.js');
    const { SandpitError } = await import('../../lib/errors.js');
    const services = await listServices();
    // A running process owns the others; removing them under it would break its tests.
    const detached = services.filter((s) => s.owner === 'detached');
    const missing = names.filter((n) => !detached.some((s) => s.name === n));
    if (missing.length > 0) {
      const owned = missing.filter((n) => services.some((s) => s.name === n));
      const why = owned.length
        ? ` ${owned.join(', ')} belong${owned.length === 1 ? 's' : ''} to a running process (see \`sandpit ls\`): end it, and its containers go with it.`
        : '';
      const running = [...new Set(detached.map((s) => s.name))].join(', ') || 'none';
      throw new SandpitError('NOT_FOUND', `No detached service named ${missing.map((n) => `"${n}"`).join(', ')}.${why} Detached: ${running}.`);
    }
    const doomed = detached.filter((s) => all || names.includes(s.name));
    await Promise.all(doomed.map((s) => removeContainer(s.containerId)));
    const list = doomed.length ? `: ${doomed.map((s) => s.name).join(', ')}` : '';
    process.stderr.write(`sandpit: removed ${doomed.length} service${doomed.length === 1 ? '' : 's'}${list}\n`);
  },
};
