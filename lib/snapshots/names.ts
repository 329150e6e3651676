/** Read at call time, so tests can take snapshots into a namespace of their own and remove them. */
export const snapshotPrefix = (): string => process.env.SANDPIT_SNAPSHOT_PREFIX || 'sandpit-snapshot';

export const snapshotTag = (preset: string, hash: string): string => `${snapshotPrefix()}/${preset}:${hash}`;

/** `SANDPIT_SNAPSHOTS=0` turns snapshots off for every service (a test of the init scripts themselves). */
export const snapshotsEnabled = (): boolean => !['0', 'false', 'no', 'off'].includes((process.env.SANDPIT_SNAPSHOTS ?? '').toLowerCase());

/** Labels on a snapshot image: what `sandpit images ls` shows and `images prune` selects by. */
export const SNAPSHOT_LABEL = {
  preset: 'sandpit.snapshot',
  base: 'sandpit.snapshot.base',
  baseId: 'sandpit.snapshot.base-id',
  scripts: 'sandpit.snapshot.scripts',
  shapes: 'sandpit.snapshot.options',
  format: 'sandpit.snapshot.format',
  /** Why the data is not used (SnapshotRecipe.seal): starts with these scripts run them each time. */
  unkept: 'sandpit.snapshot.unkept',
  /** What sandpit's own scripts said when they ran with the seeds (lib/seeds/notices.ts), a JSON array: said at each start. */
  notices: 'sandpit.snapshot.notices',
  /** The service and folder it was first taken for ("db in ~/shop"): which of many snapshots is whose, in `images ls`. */
  origin: 'sandpit.snapshot.for',
  /** On the container a snapshot is taken from, never on a service's. */
  building: 'sandpit.snapshot.building',
} as const;

/**
 * sandpit's own part of the key: bump it when what a snapshot holds, or how it is started,
 * changes, so that snapshots taken by an older sandpit are never used by a newer one.
 */
// 2: a snapshot may be only a note that its data is not to be used (SNAPSHOT_LABEL.unkept); mysql seeds' missing
// definers are accounts in it (presets/mysql-definers.ts).
// 3: the notices of sandpit's own scripts are labels of the snapshot (mysql: a dump that filled another database
// than the url's, presets/mysql-databases.ts); a snapshot without the label says nothing.
// 4: mysql seeds run with a utf8mb4 client (presets/mysql-client.ts): older snapshots hold their text as latin1 read it.
export const SNAPSHOT_FORMAT = '4';
