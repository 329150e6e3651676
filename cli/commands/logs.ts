import type { CommandModule } from 'yargs';

export const logs: CommandModule<object, { name: string; follow?: boolean; tail?: number; project?: string }> = {
  command: 'logs <name>',
  describe: 'Show what a service printed',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'service name or container id (see `sandpit ls`)' })
      .option('follow', { alias: 'f', type: 'boolean', describe: 'keep printing new output until Ctrl-C or the service ends' })
      .option('tail', { type: 'number', default: 200, describe: 'how many recent lines' })
      .option('project', { type: 'string', describe: "the project whose service <name> is (default: this folder's), as up -d --project gave it. Env: SANDPIT_PROJECT" })
      // The engine takes a negative or unparsed (NaN) tail as "all"; checked before it is asked.
      .check(({ tail }) => (Number.isInteger(tail) && (tail as number) >= 0 ? true : 'Give --tail a whole number of lines, 0 or more, such as --tail 50.'))
      .example('$0 logs db', 'the last 200 lines')
      .example('$0 logs -f site', 'follow the access log') as never,
  handler: async ({ name, follow, tail, project }) => {
    if (project) process.env.SANDPIT_PROJECT = (await import('../../lib/cleanup/project.js')).projectFromFlag(project);
    const { attach } = await import('../../lib/service/list.js');
    const service = await attach(name);
    if (!follow) {
      process.stdout.write(await service.logs({ tail }));
      return;
    }
    const { docker } = await import('../../lib/docker/client.js');
    (await import('../deadline.js')).disarm(); // -f follows until Ctrl-C
    const client = await docker();
    const stream = await client.container.logs(client.container.getById(service.containerId), { tail });
    // testcontainers unrefs the log socket; this timer keeps sandpit here until the stream ends.
    const alive = setInterval(() => {}, 1 << 30);
    stream.pipe(process.stdout);
    await new Promise((resolve) => stream.on('end', resolve));
    clearInterval(alive);
  },
};
