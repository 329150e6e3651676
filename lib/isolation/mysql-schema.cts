// Makes one mysql database equal to a described seeded state: the one operation behind preparing a
// worker database (empty → seeded), resetting it (dirty → seeded) and taking over a reused server.
// Everything runs server-side as root (INSERT … SELECT between databases); nothing is re-parsed
// from the init scripts. Only what differs is touched: checksums find the tables whose rows changed.
import type { Connection } from 'mysql2/promise';
import type { Manifest, SchemaObject, TableObject } from './types.js';

type Row = Record<string, unknown>;

const id = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/** Runs statements in one round trip and returns one result set per statement. */
async function sets(connection: Connection, statements: string[], params: unknown[] = []): Promise<Row[][]> {
  const [result] = await connection.query(statements.join(';\n'), params);
  const list = statements.length === 1 ? [result] : (result as unknown[]);
  return list.map((set) => (Array.isArray(set) ? (set as Row[]) : []));
}

interface Current {
  tables: Map<string, { type: string; autoIncrement: number | null; signature: string }>;
  views: Map<string, string>;
  triggers: Map<string, { table: string; signature: string }>;
  routines: Map<string, { type: string; signature: string }>;
  events: Map<string, string>;
}

/** What information_schema says of a database, in one round trip. */
async function current(connection: Connection, schema: string): Promise<Current> {
  const [tables = [], columns = [], indexes = [], views = [], triggers = [], routines = [], events = []] = await sets(
    connection,
    [
      'SELECT TABLE_NAME n, TABLE_TYPE t, AUTO_INCREMENT a FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      'SELECT TABLE_NAME n, COLUMN_NAME c, COLUMN_TYPE y, IS_NULLABLE u, COLUMN_DEFAULT d, EXTRA e FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION',
      'SELECT TABLE_NAME n, INDEX_NAME i, SEQ_IN_INDEX s, COLUMN_NAME c, NON_UNIQUE u FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX',
      'SELECT TABLE_NAME n, VIEW_DEFINITION d FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?',
      'SELECT TRIGGER_NAME n, EVENT_OBJECT_TABLE t, ACTION_TIMING w, EVENT_MANIPULATION m, ACTION_STATEMENT d FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?',
      'SELECT ROUTINE_NAME n, ROUTINE_TYPE t, ROUTINE_DEFINITION d FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?',
      'SELECT EVENT_NAME n, EVENT_TYPE t, EXECUTE_AT x, INTERVAL_VALUE v, INTERVAL_FIELD f, STATUS s, ON_COMPLETION c, EVENT_DEFINITION d FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?',
    ],
    Array(7).fill(schema),
  );
  // Views name their tables with the schema: blank it so a copy compares equal to its template.
  const blank = (text: unknown) => String(text ?? '').split(id(schema)).join('`~`');
  const shape = new Map<string, unknown[]>();
  for (const r of [...columns, ...indexes]) shape.set(String(r.n), [...(shape.get(String(r.n)) ?? []), Object.values(r)]);
  // MySQL 8 reports no counter for a table that never had a row: it is 1 then, as in MariaDB.
  const counted = new Set(columns.filter((r) => String(r.e).includes('auto_increment')).map((r) => String(r.n)));
  const auto = (value: unknown, table: string) => (value === null || value === undefined ? (counted.has(table) ? 1 : null) : Number(value));
  return {
    tables: new Map(
      tables
        .filter((r) => r.t === 'BASE TABLE')
        .map((r) => [String(r.n), { type: String(r.t), autoIncrement: auto(r.a, String(r.n)), signature: JSON.stringify(shape.get(String(r.n)) ?? []) }]),
    ),
    views: new Map(views.map((r) => [String(r.n), blank(r.d)])),
    triggers: new Map(triggers.map((r) => [String(r.n), { table: String(r.t), signature: `${String(r.w)} ${String(r.m)} ${String(r.t)} ${blank(r.d)}` }])),
    routines: new Map(routines.map((r) => [`${String(r.t)} ${String(r.n)}`, { type: String(r.t), signature: blank(r.d) }])),
    events: new Map(events.map((r) => [String(r.n), blank(JSON.stringify([r.t, r.x, r.v, r.f, r.s, r.c, r.d]))])),
  };
}

/** `CHECKSUM TABLE` of these tables in one statement: name → checksum. */
async function checksums(connection: Connection, schema: string, tables: string[]): Promise<Map<string, string | null>> {
  if (tables.length === 0) return new Map();
  const [rows = []] = await sets(connection, [`CHECKSUM TABLE ${tables.map((t) => `${id(schema)}.${id(t)}`).join(', ')}`]);
  // Answers name tables "schema.table"; order follows the request.
  return new Map(rows.map((r, i) => [tables[i]!, r.Checksum === null || r.Checksum === undefined ? null : String(r.Checksum)]));
}

/** Describes the seeded state of `schema`, to copy it later without reading the init scripts again. */
async function describeSchema(connection: Connection, schema: string): Promise<Manifest> {
  const now = await current(connection, schema);
  const tableNames = [...now.tables.keys()];
  const sums = await checksums(connection, schema, tableNames);
  const shows = [
    ...tableNames.map((t) => `SHOW CREATE TABLE ${id(schema)}.${id(t)}`),
    ...[...now.views.keys()].map((v) => `SHOW CREATE VIEW ${id(schema)}.${id(v)}`),
    ...[...now.triggers.keys()].map((t) => `SHOW CREATE TRIGGER ${id(schema)}.${id(t)}`),
    ...[...now.routines.values()].map((r, i) => `SHOW CREATE ${r.type} ${id(schema)}.${id([...now.routines.keys()][i]!.slice(r.type.length + 1))}`),
    ...[...now.events.keys()].map((e) => `SHOW CREATE EVENT ${id(schema)}.${id(e)}`),
  ];
  const [columnRows = []] = await sets(
    connection,
    // Generated columns are computed by the copy itself; an INSERT may not name them.
    // (MySQL says DEFAULT_GENERATED of a column with a DEFAULT expression: that one is copied.)
    [`SELECT TABLE_NAME n, COLUMN_NAME c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND EXTRA NOT REGEXP 'VIRTUAL|STORED|PERSISTENT' ORDER BY TABLE_NAME, ORDINAL_POSITION`],
    [schema],
  );
  const created = shows.length ? await sets(connection, shows) : [];
  // MySQL keeps a trigger's text as written, final `;` included: in a batch that would be an empty statement.
  const text = (i: number, key: string) => String(created[i]?.[0]?.[key] ?? '').replace(/;\s*$/, '');
  let i = 0;
  const tables: TableObject[] = tableNames.map((name) => ({
    name,
    create: text(i++, 'Create Table'),
    signature: now.tables.get(name)!.signature,
    columns: columnRows.filter((r) => r.n === name).map((r) => String(r.c)),
    checksum: sums.get(name) ?? null,
    autoIncrement: now.tables.get(name)!.autoIncrement,
    triggers: [...now.triggers].filter(([, t]) => t.table === name).map(([n]) => n),
  }));
  const views: SchemaObject[] = [...now.views].map(([name, signature]) => ({ name, signature, create: text(i++, 'Create View') }));
  const triggers = [...now.triggers].map(([name, t]) => ({ name, table: t.table, signature: t.signature, create: text(i++, 'SQL Original Statement') }));
  const routines = [...now.routines].map(([key, r]) => {
    const type = r.type as 'PROCEDURE' | 'FUNCTION';
    return { name: key.slice(type.length + 1), type, signature: r.signature, create: text(i++, type === 'PROCEDURE' ? 'Create Procedure' : 'Create Function') };
  });
  const events: SchemaObject[] = [...now.events].map(([name, signature]) => ({ name, signature, create: text(i++, 'Create Event') }));
  return { source: schema, tables, views: dependencyOrder(views, schema), triggers, routines, events };
}

/** Views that read other views are created after them. */
function dependencyOrder(views: SchemaObject[], schema: string): SchemaObject[] {
  const ordered: SchemaObject[] = [];
  const pending = [...views];
  while (pending.length > 0) {
    const ready = pending.findIndex((v) => !pending.some((o) => o !== v && v.create.includes(`${id(schema)}.${id(o.name)}`)));
    ordered.push(...pending.splice(ready === -1 ? 0 : ready, 1)); // a cycle cannot be created anyway
  }
  return ordered;
}

interface SyncResult {
  /** Tables whose rows or definition were restored. */
  restored: string[];
  /** Objects the tests created, now dropped. */
  dropped: string[];
}

/**
 * Makes `target` equal to the state `manifest` describes, copying rows from `dataFrom` (a database
 * holding exactly that state). Creates `target` if needed. Three round trips when nothing changed.
 * `events: false` for the template: a seeded event would fire there and change the rows resets copy.
 */
async function syncSchema(connection: Connection, manifest: Manifest, dataFrom: string, target: string, { events = true } = {}): Promise<SyncResult> {
  await connection.query(`CREATE DATABASE IF NOT EXISTS ${id(target)}`);
  const now = await current(connection, target);
  const drop: string[] = [];
  const dropped: string[] = [];
  const wanted = new Map(manifest.tables.map((t) => [t.name, t]));

  for (const [name, signature] of now.views) {
    if (manifest.views.find((v) => v.name === name)?.signature !== signature) {
      drop.push(`DROP VIEW IF EXISTS ${id(name)}`);
      dropped.push(name);
      now.views.delete(name);
    }
  }
  for (const [key, r] of now.routines) {
    const name = key.slice(r.type.length + 1);
    if (manifest.routines.find((m) => m.type === r.type && m.name === name)?.signature !== r.signature) {
      drop.push(`DROP ${r.type} IF EXISTS ${id(name)}`);
      dropped.push(name);
      now.routines.delete(key);
    }
  }
  // A test's event fired on into the next tests (MySQL runs the event scheduler by default).
  const seededEvents = events ? manifest.events : [];
  for (const [name, signature] of seededEvents ? now.events : []) {
    if (seededEvents!.find((e) => e.name === name)?.signature !== signature) {
      drop.push(`DROP EVENT IF EXISTS ${id(name)}`);
      dropped.push(name);
      now.events.delete(name);
    }
  }
  const same: TableObject[] = [];
  for (const [name, t] of now.tables) {
    const seeded = wanted.get(name);
    if (seeded?.signature === t.signature) same.push(seeded);
    else {
      drop.push(`DROP TABLE IF EXISTS ${id(name)}`);
      dropped.push(name);
      now.tables.delete(name);
    }
  }
  const sums = await checksums(connection, target, same.map((t) => t.name));
  const changed = same.filter((t) => sums.get(t.name) !== t.checksum);
  const missing = manifest.tables.filter((t) => !now.tables.has(t.name));
  const touched = new Set([...changed, ...missing].map((t) => t.name));

  for (const [name, t] of now.triggers) {
    const seeded = manifest.triggers.find((m) => m.name === name);
    // A restored table's triggers must not fire on the restore.
    if (seeded?.signature !== t.signature || touched.has(t.table)) {
      drop.push(`DROP TRIGGER IF EXISTS ${id(name)}`);
      if (!seeded) dropped.push(name);
      now.triggers.delete(name);
    }
  }

  const copy = (t: TableObject) => {
    const columns = t.columns.map(id).join(', ');
    return `INSERT INTO ${id(t.name)} (${columns}) SELECT ${columns} FROM ${id(dataFrom)}.${id(t.name)}`;
  };
  const counter = (t: TableObject) => (t.autoIncrement === null ? [] : [`ALTER TABLE ${id(t.name)} AUTO_INCREMENT = ${t.autoIncrement}`]);
  const build: string[] = [];
  // The counter only moves back with an ALTER (InnoDB keeps it through a DELETE): only where it moved.
  const moved = (t: TableObject) => now.tables.get(t.name)?.autoIncrement !== t.autoIncrement;
  for (const t of changed) build.push(`DELETE FROM ${id(t.name)}`, copy(t), ...(moved(t) ? counter(t) : []));
  // Rows equal but the counter moved (a test inserted, then deleted): only the counter goes back.
  for (const t of same) if (!touched.has(t.name) && moved(t)) build.push(...counter(t));
  for (const t of missing) build.push(t.create, copy(t));
  for (const r of manifest.routines) if (!now.routines.has(`${r.type} ${r.name}`)) build.push(r.create);
  for (const t of manifest.triggers) if (!now.triggers.has(t.name)) build.push(t.create);
  const retarget = (text: string) => text.split(`${id(manifest.source)}.`).join(`${id(target)}.`);
  for (const v of manifest.views) if (!now.views.has(v.name)) build.push(retarget(v.create));
  // As views: an event whose body names the seeded database would work on it from every worker's copy.
  for (const e of seededEvents ?? []) if (!now.events.has(e.name)) build.push(retarget(e.create));

  if (drop.length + build.length > 0) {
    // Each `;` on a line of its own: a trigger's or routine's text as the mysql client sent it may end in a
    // comment (`… FOR EACH ROW SET … -- audit`), which would swallow a `;` on its line and the statement after.
    await connection.query(['SET SESSION foreign_key_checks = 0', `USE ${id(target)}`, ...drop, ...build, 'SET SESSION foreign_key_checks = 1'].join('\n;\n'));
  }
  return { restored: [...touched], dropped };
}

export = { describeSchema, syncSchema, quoteId: id };
