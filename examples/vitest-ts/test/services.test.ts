import mysql, { type RowDataPacket } from 'mysql2/promise';
import { createClient } from 'redis';
import { exec, reset, service, type SandpitContext } from 'sandpit-services/vitest';
import { expect, inject, test } from 'vitest';

test('redis: SET then GET, in this worker’s own database', async () => {
  const redis = await createClient({ url: service('cache').url }).connect();
  try {
    await redis.set('greeting', 'hi');
    expect(await redis.get('greeting')).toBe('hi');
    await reset('cache'); // this worker's database is empty again
    expect(await redis.get('greeting')).toBeNull();
  } finally {
    redis.destroy();
  }
});

test('mysql: the table from db/schema.sql is there', async () => {
  const { host, port, user, password, database } = service('db');
  const db = await mysql.createConnection({ host, port, user, password, database });
  try {
    const [rows] = await db.query<RowDataPacket[]>('SELECT name FROM products WHERE price_cents < 2000 ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(['teapot', 'mug']);
  } finally {
    await db.end();
  }
});

test('httpd: serves files from public/', async () => {
  const response = await fetch(new URL('hello.txt', service('site').url));
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('hello from public/\n');
});

test('ubuntu: runs a command in the box', async () => {
  const { exitCode, stdout } = await exec('box', ['sh', '-c', 'echo $((6 * 7)) && uname -s']);
  expect(exitCode).toBe(0);
  expect(stdout).toBe('42\nLinux\n');
});

test('inject() is typed: what the global setup provided', () => {
  // Without sandpit's ProvidedContext augmentation this would be `unknown`, and `tsc --noEmit` (npm test) would fail.
  const provided: SandpitContext = inject('sandpit');
  const port: number = provided.services.cache!.port;
  expect(port).toBe(service('cache').port);
  expect(process.env.SANDPIT_CACHE_PORT).toBe(String(port));
});
