import type { CommandModule } from 'yargs';

export const doctor: CommandModule = {
  command: 'doctor',
  describe: 'Check that sandpit can run here, with a fix for each problem',
  builder: (y) =>
    y
      .example('$0 doctor', 'engine, its version, images or registry, disk, leftovers; exit 0 when sandpit can run')
      .example('DOCKER_HOST=tcp://10.0.0.5:2375 $0 doctor', 'check another engine') as never,
  handler: async () => {
    const { runChecks } = await import('../doctor/checks.js');
    const { paint } = await import('../output.js');
    const results = await runChecks();
    const icon = { ok: paint('green', '✓'), warn: paint('yellow', '!'), fail: paint('red', '✗') } as const;
    for (const r of results) {
      process.stdout.write(`${icon[r.status]} ${r.title}\n`);
      for (const line of r.details ?? []) process.stdout.write(`    ${paint('dim', line)}\n`);
      if (r.hint) process.stdout.write(`    fix: ${r.hint}\n`);
    }
    const failed = results.filter((r) => r.status === 'fail').length;
    process.stdout.write(failed ? `\n${failed} problem${failed > 1 ? 's' : ''}: sandpit cannot run until fixed.\n` : '\nsandpit can run here.\n');
    process.exitCode = failed ? 1 : 0;
  },
};
