// What the main process (a test runner's global setup) hands to its workers so that each can find,
// prepare and reset its own copy of a service. Plain JSON: it travels in an environment variable.

/** A mysql service whose workers each get their own database, cloned from a pristine template. */
export interface MysqlIsolation {
  preset: 'mysql';
  host: string;
  port: number;
  /** The configured database: the global setup's own view, and where the seed came from. */
  database: string;
  /** The app user; granted everything on the worker databases. */
  user: string;
  rootPassword: string;
}

/** A redis service whose workers each get their own logical database (SELECT n). */
export interface RedisIsolation {
  preset: 'redis';
  host: string;
  port: number;
  password?: string;
  /** The logical databases the server has; the last one holds the seeded template (see names.cts). */
  databases: number;
}

export type Isolated = MysqlIsolation | RedisIsolation;

/**
 * The presets with a copy per worker and a reset to the seed (the rest of lib/isolation): the config
 * lets only these be isolated, and warm reuse resets only these.
 */
export const ISOLATABLE: readonly string[] = ['mysql', 'redis'] satisfies Isolated['preset'][];

/** Whether these options start a preset whose data can be copied per worker and put back to the seed. */
export const isolatable = (options: object): options is { preset: Isolated['preset'] } =>
  'preset' in options && typeof options.preset === 'string' && ISOLATABLE.includes(options.preset);

/** Service name → how its workers are isolated. Services absent here are shared. */
export type IsolationMap = Record<string, Isolated>;

/** The parts of a published service that differ per worker. */
export interface WorkerView {
  url: string;
  database?: string;
}

/** A database object as the template holds it, with the statement that recreates it. */
export interface SchemaObject {
  name: string;
  /** CREATE statement, written against `Manifest.source` (views name it explicitly). */
  create: string;
  /** What information_schema says of it, with the schema name blanked: equal means unchanged. */
  signature: string;
}

export interface TableObject extends SchemaObject {
  /** Columns an INSERT may write (generated columns are computed). */
  columns: string[];
  checksum: string | null;
  autoIncrement: number | null;
  /** Triggers on this table: dropped while its rows are restored, so they do not fire. */
  triggers: string[];
}

/** Everything a worker database must hold to equal the seeded state; stored in the server itself. */
export interface Manifest {
  source: string;
  tables: TableObject[];
  views: SchemaObject[];
  triggers: (SchemaObject & { table: string })[];
  routines: (SchemaObject & { type: 'PROCEDURE' | 'FUNCTION' })[];
  /** Scheduled events; absent in a manifest an older sandpit kept in a warm server (then events are left as they are). */
  events?: SchemaObject[];
}
