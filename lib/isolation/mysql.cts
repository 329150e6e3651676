// A mysql server's worker databases: the template they are copied from, and bringing one back to it.
// Runs as root: copying between databases and granting need it. mysql2 loads on first use only, so a
// project whose workers never touch mysql does not pay for it.
import type { Connection } from 'mysql2/promise';
import names = require('./names.cjs');
import schema = require('./mysql-schema.cjs');
import grants = require('./mysql-grants.cjs');
import type { Manifest, MysqlIsolation } from './types.js';

const META = 'sandpit_meta';
const { quoteId: id } = schema;

async function connect(target: MysqlIsolation): Promise<Connection> {
  const mysql = require('mysql2/promise') as typeof import('mysql2/promise');
  const connection = await mysql.createConnection({
    host: target.host,
    port: target.port,
    user: 'root',
    password: target.rootPassword,
    multipleStatements: true,
    connectTimeout: 5000,
    ...keyRetrieval(),
  });
  // MySQL 8 answers information_schema's AUTO_INCREMENT from a cache (a day old by default); the reset
  // compares it. MariaDB has no such variable and is always current.
  await connection.query('SET SESSION information_schema_stats_expiry = 0').catch(() => {});
  return connection;
}

/**
 * MySQL 8.4 and 9 log accounts in with caching_sha2_password: a server that restarted (every start from a
 * snapshot) asks for the password in full, which over plain TCP means encrypting it with the server's RSA
 * key. mysql2 fetched that key itself until 3.26, which refuses unless `allowPublicKeyRetrieval` is set
 * (and warns about the option before it). The server is one this run started, reached on loopback or a
 * test host, and the session is plaintext anyway: a swapped key could only expose the throwaway root
 * password of a server whose every query already crosses that path in the clear.
 */
function keyRetrieval(): { allowPublicKeyRetrieval?: true } {
  const { version } = require('mysql2/package.json') as { version: string };
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 3 || (major === 3 && minor >= 26) ? { allowPublicKeyRetrieval: true } : {};
}

async function withRoot<T>(target: MysqlIsolation, work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await connect(target);
  try {
    return await work(connection);
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

// Per process (per Jest test file): the template does not change while its server lives.
const manifests = new Map<string, Manifest>();

async function manifestOf(connection: Connection, target: MysqlIsolation): Promise<Manifest | undefined> {
  const key = `${target.host}:${target.port}/${target.database}`;
  const known = manifests.get(key);
  if (known) return known;
  const [rows] = await connection
    .query(`SELECT body FROM ${META}.manifests WHERE name = ?`, [target.database])
    .catch(() => [[]] as unknown as [unknown]);
  const body = (rows as { body?: string }[])[0]?.body;
  if (body === undefined) return undefined;
  const manifest = JSON.parse(body) as Manifest;
  manifests.set(key, manifest);
  return manifest;
}

/**
 * In the main process, once the server is ready (init scripts done): keeps a pristine copy of the
 * seeded database and lets the app user into every worker database. A server taken over from an
 * earlier run already has both; then its own database is put back to the seed instead.
 */
async function seedTemplate(target: MysqlIsolation): Promise<void> {
  await withRoot(target, (connection) => seedTemplateOn(connection, target));
}

async function seedTemplateOn(connection: Connection, target: MysqlIsolation): Promise<void> {
  const template = names.templateDatabase(target.database);
  const known = await manifestOf(connection, target);
  if (known) {
    await schema.syncSchema(connection, known, template, target.database);
    return;
  }
  // A throwaway server: without a log flush per commit, copying 20 tables takes a third of the time.
  await connection.query('SET GLOBAL innodb_flush_log_at_trx_commit = 0').catch(() => {});
  const manifest = await schema.describeSchema(connection, target.database);
  await schema.syncSchema(connection, manifest, target.database, template, { events: false });
  // Before the manifest: a failure here is tried again by the next start, not skipped as done.
  await grants.copyDatabaseGrants(connection, target.database, names.workerGrantPattern(target.database), target.user);
  await connection.query(
    [
      `CREATE DATABASE IF NOT EXISTS ${META}`,
      `CREATE TABLE IF NOT EXISTS ${META}.manifests (name VARCHAR(64) PRIMARY KEY, body LONGTEXT NOT NULL)`,
      `REPLACE INTO ${META}.manifests VALUES (?, ?)`,
      `GRANT ALL ON ${id(names.workerGrantPattern(target.database))}.* TO ?@'%'`,
    ].join(';\n'),
    [target.database, JSON.stringify(manifest), target.user],
  );
}

/** Creates or resets a worker's database so that it holds exactly the seeded state. */
async function syncWorker(target: MysqlIsolation, workerId: number): Promise<void> {
  await withRoot(target, (connection) => syncWorkerOn(connection, target, workerId));
}

async function syncWorkerOn(connection: Connection, target: MysqlIsolation, workerId: number): Promise<void> {
  const manifest = await manifestOf(connection, target);
  if (!manifest) throw new Error(`sandpit: the seeded template of ${target.database} is missing: was the server set up by sandpit's global setup?`);
  const worker = names.workerDatabase(target.database, workerId);
  const sync = () => schema.syncSchema(connection, manifest, names.templateDatabase(target.database), worker);
  const lockWait = (error: unknown) => (error as { errno?: number }).errno === ER_LOCK_WAIT_TIMEOUT;
  // A first try with a short wait: a read-only transaction begun within 0.1 s of the last look is in neither of
  // InnoDB's lists (endIdleTransactions); a second look, a second later, finds it. The sync starts over: it
  // compares again, so a half-done first try is finished, not repeated.
  await endIdleTransactions(connection, worker, FIRST_WAIT_SECONDS);
  try {
    await sync();
    return;
  } catch (error) {
    if (!lockWait(error)) throw error;
  }
  await endIdleTransactions(connection, worker, LOCK_WAIT_SECONDS - FIRST_WAIT_SECONDS);
  try {
    await sync();
  } catch (error) {
    if (!lockWait(error)) throw error;
    throw new Error(`it waited ${LOCK_WAIT_SECONDS} s for a lock on ${worker} that another connection holds (${await holders(connection, worker)}): a statement a test started and did not wait for? Await it before reset()`, { cause: error });
  }
}

/** Below Jest's and Vitest's 5 s for a hook, so that a lone reset's reason reaches the test rather than a
 * hook timeout (one queued behind another that waited, copies.ts, may still meet the hook's limit first). */
const LOCK_WAIT_SECONDS = 4;
/** The first try's part of it: the servers' lock waits are whole seconds. */
const FIRST_WAIT_SECONDS = 1;
/** Both waits time out with it: a table's metadata lock (lock_wait_timeout) and a row's (InnoDB's). */
const ER_LOCK_WAIT_TIMEOUT = 1205;

/**
 * A test that failed between START TRANSACTION and COMMIT (or never released a pooled connection that was
 * in one) leaves it idle in a transaction, holding locks on what it touched: the reset's DROP and INSERT
 * waited on them for lock_wait_timeout, a year by default, and the test run hung. Its uncommitted work
 * cannot be part of the seeded state either. Such connections to this worker's database are ended (the
 * server rolls their work back); connections in the middle of a statement, and idle ones outside a
 * transaction, are left alone. The test that still holds one gets "connection lost" if it uses it again.
 */
async function endIdleTransactions(connection: Connection, database: string, waitSeconds: number): Promise<void> {
  // With the reset's own lock waits set (waitSeconds): one round trip. INNODB_TRX is a copy InnoDB
  // refreshes at most every 0.1 s: a transaction a fast test began just after the last reset read it was not
  // there, and the reset waited its 4 s and failed. The monitor's list is current, but shows only those that
  // wrote (a read-only one is "not started" there): both are read, and a lock wait looks again (syncWorkerOn).
  const [results] = await connection.query(
    `SET SESSION lock_wait_timeout = ${waitSeconds}, SESSION innodb_lock_wait_timeout = ${waitSeconds};
     SELECT p.ID AS id, t.trx_mysql_thread_id IS NOT NULL AS listed FROM information_schema.PROCESSLIST p
     LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID
     WHERE p.DB = ? AND p.COMMAND = 'Sleep' AND p.ID <> CONNECTION_ID();
     SHOW ENGINE INNODB STATUS`,
    [database],
  );
  const [, idle, [monitor]] = results as [unknown, { id: number; listed: number }[], { Status?: string }[]];
  const writing = activeThreads(monitor?.Status ?? '');
  const rows = idle.filter((r) => Number(r.listed) === 1 || writing.has(Number(r.id)));
  // One that ended by itself meanwhile: its KILL fails, and it is gone all the same.
  await Promise.all(rows.map(({ id }) => connection.query(`KILL ${Number(id)}`).catch(() => {})));
}

/** The connections of the monitor's ACTIVE transactions ("---TRANSACTION 2073, ACTIVE 0 sec" … "MySQL thread id 13, …"). */
function activeThreads(status: string): Set<number> {
  const ids = new Set<number>();
  for (const block of status.split('\n---TRANSACTION ').slice(1)) {
    const thread = /^\d+, ACTIVE[^]*?(?:MySQL|MariaDB) thread id (\d+)/.exec(block.split('\n---')[0]!);
    if (thread) ids.add(Number(thread[1]));
  }
  return ids;
}

/**
 * The connections that may hold the lock, for the reset's lock-wait error: those running a statement or
 * in a transaction (an idle pooled one holds nothing), on `database` first; a connection opened on
 * another database that names this one's tables is listed when none is.
 */
async function holders(connection: Connection, database: string): Promise<string> {
  const [rows] = await connection
    .query(
      `SELECT p.ID AS id, p.DB AS db, p.COMMAND AS command, LEFT(COALESCE(p.INFO, ''), 60) AS info FROM information_schema.PROCESSLIST p
       LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID
       WHERE p.ID <> CONNECTION_ID() AND p.USER NOT IN ('system user', 'event_scheduler') AND (p.COMMAND <> 'Sleep' OR t.trx_id IS NOT NULL)`,
    )
    .catch(() => [[]] as unknown as [unknown]);
  const all = rows as { id: number; db: string | null; command: string; info: string }[];
  const here = all.filter((r) => r.db === database);
  const list = (here.length > 0 ? here : all).slice(0, 3).map((r) => `connection ${r.id}: ${r.info || `${r.command}, in a transaction`}`);
  return list.join('; ') || 'it has ended since';
}

/**
 * A warm server handed back (lib/reuse): on one connection, ends every other and waits until they are
 * gone, then puts the seeded database (and worker 1's copy) back. Returns this connection's id. Nothing
 * that was connected can write any more, and any connection made since this one took a higher id: the
 * next run proves from its own connection's id alone (this + 1) that nothing touched the server after
 * the reset (a client kept open, e.g. a database GUI, would otherwise write unseen).
 */
async function sealedReset(target: MysqlIsolation, worker1: boolean): Promise<number> {
  return withRoot(target, async (connection) => {
    const [own] = await connection.query('SELECT CONNECTION_ID() AS id');
    const me = Number((own as { id: number }[])[0]!.id);
    const others = async () => {
      const [rows] = await connection.query('SHOW FULL PROCESSLIST');
      // Server threads (the event scheduler, MariaDB's 'system user' ones) are not clients.
      return (rows as { Id: number; User: string; Command: string }[])
        .filter((r) => Number(r.Id) !== me && r.Command !== 'Daemon' && r.User !== 'system user' && r.User !== 'event_scheduler')
        .map((r) => Number(r.Id));
    };
    // A connection may end by itself meanwhile: its KILL then fails, and it is gone all the same.
    await Promise.all((await others()).map((other) => connection.query(`KILL ${other}`).catch(() => {})));
    // KILL only flags a connection: one in the middle of a statement (a COMMIT) ends when it sees the flag.
    for (const deadline = Date.now() + 5000; (await others()).length > 0; ) {
      if (Date.now() > deadline) throw new Error('sandpit: connections to the warm mysql did not end');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await seedTemplateOn(connection, target);
    if (worker1) await syncWorkerOn(connection, target, 1);
    return me;
  });
}

export = { seedTemplate, syncWorker, sealedReset };
