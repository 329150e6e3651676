import type { CommandModule } from 'yargs';
import type { SnapshotInfo } from '../../lib/snapshots/store.js';

const DEFAULT_DAYS = 30;

export const megabytes = (bytes: number): string =>
  bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} kB` : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

function age(ms: number | undefined): string {
  if (ms === undefined) return 'never';
  const minutes = Math.max(0, (Date.now() - ms) / 60_000);
  if (minutes < 60) return `${Math.floor(minutes)} min ago`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return `${Math.floor(minutes / 1440)} days ago`;
}

/** The snapshot table of `images ls`: what each was made from, its disk, its age and last use. */
export async function snapshotTable(): Promise<string> {
  const { listSnapshots } = await import('../../lib/snapshots/store.js');
  const { table } = await import('../output.js');
  const snapshots = await listSnapshots();
  if (snapshots.length === 0) return 'No snapshots yet: the first start of mysql (or of redis with init scripts) takes one.';
  const made = (s: SnapshotInfo) => `${s.base}${s.shapes !== '{}' ? ` ${s.shapes}` : ''}${s.scripts ? ` + ${s.scripts}` : ''}${s.origin ? `, for ${s.origin}` : ''}`;
  const rows = snapshots.map((s) => [s.tag, s.preset, megabytes(s.size), age(s.createdMs), age(s.usedMs), made(s)]);
  const total = snapshots.reduce((sum, s) => sum + s.size, 0);
  return `${table([['SNAPSHOT', 'PRESET', 'SIZE', 'CREATED', 'LAST USED', 'MADE FROM'], ...rows])}\n${snapshots.length} snapshot${snapshots.length > 1 ? 's' : ''}, ${megabytes(total)}; \`sandpit images prune\` removes those unused for ${DEFAULT_DAYS} days.`;
}

export const prune: CommandModule<object, { days: number; all: boolean }> = {
  command: 'prune',
  describe: `Remove snapshots not used for --days (default ${DEFAULT_DAYS}), or --all`,
  builder: (y) =>
    y
      .option('days', { type: 'number', default: DEFAULT_DAYS, describe: 'remove snapshots not used for this many days' })
      .option('all', { type: 'boolean', default: false, describe: 'remove every snapshot' })
      .example('$0 images prune', `snapshots unused for ${DEFAULT_DAYS} days`)
      .example('$0 images prune --all', 'every snapshot; the next start takes a new one') as never,
  handler: async ({ days, all }) => {
    if (!(Number.isFinite(days) && days >= 0)) {
      const { SandpitError } = await import('../../lib/errors.js');
      throw new SandpitError('INVALID_OPTION', 'Give --days a whole number of days, 0 or more, e.g. --days 30.', { option: 'days' });
    }
    const { pruneSnapshots } = await import('../../lib/snapshots/store.js');
    const { removed, inUse } = await pruneSnapshots({ days, all });
    const freed = removed.reduce((sum, s) => sum + s.size, 0);
    process.stdout.write(`removed ${removed.length} snapshot${removed.length === 1 ? '' : 's'} (${megabytes(freed)})\n`);
    for (const s of inUse) process.stdout.write(`kept ${s.tag}: a container still runs from it\n`);
  },
};
