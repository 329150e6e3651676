import type { CommandModule } from 'yargs';

interface Args {
  'dry-run'?: boolean;
}

export const prune: CommandModule<object, Args> = {
  command: 'prune',
  describe: 'Remove containers whose owning process is gone, and warm (reused) ones no run holds (detached ones stay: see `down`)',
  builder: (y) =>
    y
      .option('dry-run', { type: 'boolean', describe: 'say what would be removed, and remove nothing' })
      .example('$0 prune', 'after a crash or a reboot')
      .example('$0 prune --dry-run', 'list what it would remove, and why') as never,
  handler: async ({ 'dry-run': dryRun }) => {
    const { pruneListed } = await import('../../lib/cleanup/prune.js');
    const pruned = await pruneListed({ reused: true, dryRun: dryRun ?? false });
    const count = `${pruned.length} container${pruned.length === 1 ? '' : 's'}`;
    process.stdout.write(`${dryRun ? 'would remove' : 'removed'} ${count} of dead sessions or idle reuse${pruned.length > 0 ? ':' : ''}\n`);
    for (const { id, name, why } of pruned) process.stdout.write(`  ${name} (${id.slice(0, 12)}): ${why}\n`);
  },
};
