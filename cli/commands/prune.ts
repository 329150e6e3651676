import type { CommandModule } from 'yargs';

export const prune: CommandModule = {
  command: 'prune',
  describe: 'Remove containers whose owning process is gone, and warm (reused) ones no run holds (detached ones stay: see `down`)',
  builder: (y) => y.example('$0 prune', 'after a crash or a reboot') as never,
  handler: async () => {
    const { prune: run } = await import('../../lib/cleanup/prune.js');
    const removed = await run({ reused: true });
    process.stdout.write(`removed ${removed.length} container${removed.length === 1 ? '' : 's'} of dead sessions or idle reuse\n`);
  },
};
