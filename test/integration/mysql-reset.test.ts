import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createConnection, type Connection } from 'mysql2/promise';
import { start } from '../../lib/index.js';
import type { MysqlIsolation } from '../../lib/isolation/types.js';
// The built files: the CommonJS isolation module (.cts), which this suite's transform leaves alone.
import isolation from '../../dist/lib/isolation/index.cjs';
import { WorkerCopies } from '../../dist/lib/runner/copies.js';

// What tests do to their worker's copy that reset() must survive. One seeded server for the file.
const SEED = `CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(20));
INSERT INTO customers VALUES (1, 'ada'), (2, 'bob');
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer INT, FOREIGN KEY (customer) REFERENCES customers (id));
CREATE TRIGGER named BEFORE INSERT ON customers FOR EACH ROW SET NEW.name = LOWER(NEW.name); -- the server keeps this comment in the trigger's text
CREATE EVENT tidy ON SCHEDULE EVERY 1 DAY STARTS CURRENT_TIMESTAMP + INTERVAL 1 DAY DO DELETE FROM \`shop\`.orders WHERE id < 0;
CREATE USER reporter IDENTIFIED BY 'reporter-pw';
GRANT SELECT ON shop.* TO reporter;`;

let db: Awaited<ReturnType<typeof start<{ preset: 'mysql' }>>>;
let target: MysqlIsolation;
const opened: Connection[] = [];
const worker = async (n: number) => {
  const connection = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: `${db.database}_w${n}` });
  opened.push(connection);
  return connection;
};
const names = async (n: number) => {
  const connection = await worker(n);
  const [rows] = await connection.query('SELECT name FROM customers ORDER BY id');
  await connection.end();
  return (rows as { name: string }[]).map((r) => r.name);
};
/** Fails the test instead of hanging it: a reset that waits on a lock waited a year. */
const within = <T>(ms: number, work: Promise<T>) =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms).unref())]);

beforeAll(async () => {
  db = await start({ preset: 'mysql', database: 'shop', initScripts: [`${SEED}\n-- ${process.pid}`] });
  target = { preset: 'mysql', host: db.host, port: db.port, database: db.database, user: db.user, rootPassword: db.rootPassword };
  await isolation.prepareMain(target);
}, 240_000);
afterAll(async () => {
  await Promise.allSettled(opened.map((c) => c.destroy()));
  await db?.stop();
});

test('reset() ends a connection a test left idle in a transaction (its locks made the reset wait a year), and its writes are rolled back', async () => {
  await isolation.prepareWorker(target, 2);
  const left = await worker(2);
  await left.query('START TRANSACTION');
  await left.query("UPDATE customers SET name = 'changed' WHERE id = 1");
  await left.query('INSERT INTO orders (customer) VALUES (2)');
  // The test fails here: no COMMIT, no ROLLBACK, the connection never released.
  await within(10_000, isolation.resetWorker(target, 2));
  expect(await names(2)).toEqual(['ada', 'bob']);
  await expect(left.query('SELECT 1')).rejects.toThrow();
});

test('a transaction left open by a test that took a few milliseconds (the reset before it just ran): ended too', async () => {
  // InnoDB's information_schema.INNODB_TRX is a copy refreshed at most every 0.1 s: read again within that,
  // it did not list a transaction begun since, and the reset waited its 4 s and failed (a walkthrough's fast tests).
  await isolation.prepareWorker(target, 4);
  for (let i = 0; i < 3; i++) {
    await isolation.resetWorker(target, 4);
    const left = await worker(4);
    await left.query('START TRANSACTION');
    await left.query("UPDATE customers SET name = 'changed' WHERE id = 1");
    await within(10_000, isolation.resetWorker(target, 4));
    expect(await names(4)).toEqual(['ada', 'bob']);
  }
}, 40_000);

test('a read-only transaction left open right after a reset, on a table the next reset must alter: ended too', async () => {
  // Neither of InnoDB's lists showed it: INNODB_TRX is a copy at most 0.1 s old, and the monitor lists writers.
  // Its metadata lock held the reset's ALTER (the counter a test moved) for the 4 s the reset waits, then failed.
  await isolation.prepareWorker(target, 5);
  for (let i = 0; i < 3; i++) {
    await isolation.resetWorker(target, 5);
    const reader = await worker(5);
    await reader.query('START TRANSACTION');
    await reader.query('SELECT COUNT(*) FROM orders');
    const writer = await worker(5);
    await writer.query('INSERT INTO orders (customer) VALUES (1)');
    await writer.query('DELETE FROM orders');
    await writer.end();
    await within(10_000, isolation.resetWorker(target, 5));
    await expect(reader.query('SELECT 1')).rejects.toThrow();
  }
}, 60_000);

test('a statement still running when reset() is called: the reset says which, within seconds, instead of waiting', async () => {
  await isolation.prepareWorker(target, 3);
  const busy = await worker(3);
  await busy.query("UPDATE customers SET name = 'x' WHERE id = 2");
  // In a transaction that read the table (so holds its metadata lock), and in the middle of a statement:
  // not ended by the reset, which waits on it.
  await busy.query('START TRANSACTION');
  await busy.query('SELECT COUNT(*) FROM customers');
  // Long past the reset's 4 s wait however slow the machine; ended by a KILL once the reset has said why it failed.
  const running = busy.query('SELECT SLEEP(60)').catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 300));
  const error = await within(20_000, isolation.resetWorker(target, 3).then(() => undefined, (e: Error) => e));
  expect(error?.message).toMatch(/^it waited 4 s for a lock on shop_w3 that another connection holds \(connection \d+: SELECT SLEEP\(60\)\)/);
  const root = await createConnection({ host: db.host, port: db.port, user: 'root', password: db.rootPassword });
  opened.push(root);
  await root.query(`KILL ${busy.threadId}`);
  await running;
  await isolation.resetWorker(target, 3);
  expect(await names(3)).toEqual(['ada', 'bob']);
}, 30_000);

test('resets of one copy asked at once run one after the other: both succeed (they failed with duplicate keys, existing triggers, deadlocks)', async () => {
  const copies = new WorkerCopies(() => ({ db: target }));
  await copies.prepare('db', 4, 'run');
  for (let round = 0; round < 3; round++) {
    const connection = await worker(4);
    await connection.query("INSERT INTO customers VALUES (3, 'Cy')");
    await connection.query('DROP TRIGGER named');
    await connection.query('CREATE TABLE scratch (x INT)');
    await connection.end();
    await within(20_000, Promise.all([copies.reset('db', 4), copies.reset('db', 4), copies.reset('db', 4)]));
    expect(await names(4)).toEqual(['ada', 'bob']);
  }
}, 60_000);

test("reset() drops an event a test made (it fired on into the next tests) and puts a seeded one back as it was; the template has none", async () => {
  await isolation.prepareWorker(target, 6);
  const root = await createConnection({ host: db.host, port: db.port, user: 'root', password: db.rootPassword });
  opened.push(root);
  const events = async (schema: string) => {
    const [rows] = await root.query('SELECT EVENT_NAME n, STATUS s FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY 1', [schema]);
    return (rows as { n: string; s: string }[]).map((r) => `${r.n} ${r.s}`);
  };
  // Copied into the worker's database, working on it (not the seeded one); never into the template, where it
  // would change the rows resets copy.
  expect(await events('shop_w6')).toEqual(['tidy ENABLED']);
  const [[body]] = (await root.query("SELECT EVENT_DEFINITION d FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'shop_w6'")) as unknown as [{ d: string }[]];
  expect(body!.d).toContain('`shop_w6`.orders');
  expect(await events('shop_seed')).toEqual([]);
  const connection = await worker(6);
  await connection.query('CREATE EVENT mine ON SCHEDULE EVERY 1 SECOND DO INSERT INTO orders (customer) VALUES (1)');
  await connection.end();
  // As root: the seeded event's definer is root, whose objects the app user may not change (SYSTEM_USER).
  await root.query('ALTER EVENT shop_w6.tidy DISABLE');
  await isolation.resetWorker(target, 6);
  expect(await events('shop_w6')).toEqual(['tidy ENABLED']);
}, 30_000);

test("an account the seed gave rights on the database has them on each worker's copy, and no more", async () => {
  // A reporting account of the init scripts: it was refused its worker's copy (ER_DBACCESS_DENIED_ERROR).
  await isolation.prepareWorker(target, 5);
  const reporter = await createConnection({ host: db.host, port: db.port, user: 'reporter', password: 'reporter-pw', database: 'shop_w5', ssl: { rejectUnauthorized: false } });
  opened.push(reporter);
  const [rows] = await reporter.query('SELECT name FROM customers ORDER BY id');
  expect((rows as { name: string }[]).map((r) => r.name)).toEqual(['ada', 'bob']);
  await expect(reporter.query("INSERT INTO customers VALUES (9, 'eve')")).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
  await expect(reporter.query('SELECT 1 FROM shop_seed.customers')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
  await reporter.end();
});
