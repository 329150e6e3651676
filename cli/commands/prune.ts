import type { CommandModule } from 'yargs';

export const prune: CommandModule = {
  command: 'prune',
  describe: 'Remove containers whose owning process is gone (detached ones stay: see `down`)',
  builder: (y) => y.example('$0 prune', 'after a crash or a reboot') as never,
  handler: async () => {
    const { prune: run } = await import('../../lib/cleanup/prune.js');
    const removed = await run();
    process.stdout.write(`removed ${removed.length} container${removed.length === 1 ? '' : 's'} of dead sessions\n`);
  },
};
