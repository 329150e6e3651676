import type { CommandModule } from 'yargs';
import type { ServiceInfo } from '../../lib/service/list.js';

export const ls: CommandModule<object, { json?: boolean }> = {
  command: 'ls',
  describe: 'List what sandpit runs on this engine',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', describe: 'machine-readable output (an array)' })
      .example('$0 ls', 'name, id, preset, URL, age and owner of each service')
      .example('$0 ls --json | jq -r ".[].url"', 'just the URLs') as never,
  handler: async ({ json }) => {
    const { listServices, shortId } = await import('../../lib/service/list.js');
    const services = await listServices();
    if (json) {
      // Flat like `up --json`: mysql's user/password/database sit beside the url.
      const { clientOf } = await import('../services.js');
      const flat = services.map(({ extras, ...service }) => ({ ...service, clientCommand: clientOf(service), ...extras }));
      process.stdout.write(`${JSON.stringify(flat, null, 2)}\n`);
      return;
    }
    if (services.length === 0) {
      process.stderr.write('sandpit: nothing running. Start something with `sandpit up redis`.\n');
      return;
    }
    const [{ table }, { projectShown }] = await Promise.all([import('../output.js'), import('../../lib/cleanup/project.js')]);
    const rows = services.map((s) => [s.name, shortId(s.containerId), s.preset, s.url || '-', age(s.createdAt), owner(projectShown, s), s.state]);
    process.stdout.write(`${table([['NAME', 'ID', 'PRESET', 'URL', 'AGE', 'OWNER', 'STATE'], ...rows])}\n`);
  },
};

/**
 * A session id starts with its process id, which is what a person can look up or kill. A warm one names the
 * project folder whose test runs use it: seven rows of `db` and `cache` said nothing of whose they were. A
 * detached one names its project (lib/cleanup/labels.ts): two CI jobs' `db` are told apart.
 */
const owner = (projectShown: (project: string) => string, { owner: session, project }: ServiceInfo) =>
  (session === 'reused' || session === 'detached') && project
    ? `${session} (${projectShown(project)})`
    : session === 'detached' || session === 'reused'
      ? session
      : `session (pid ${session.split('-')[0]})`;

function age(since: Date): string {
  const s = Math.max(0, Math.round((Date.now() - since.getTime()) / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.round(s / 60)}m` : s < 86_400 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86_400)}d`;
}
