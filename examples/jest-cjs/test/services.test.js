const { createClient } = require('redis');
const mysql = require('mysql2/promise');
const { service, exec } = require('sandpit-services/jest');

test('redis: SET then GET', async () => {
  const redis = await createClient({ url: service('cache').url }).connect();
  try {
    await redis.set('greeting', 'hi');
    expect(await redis.get('greeting')).toBe('hi');
  } finally {
    redis.destroy();
  }
});

test('mysql: the table from db/schema.sql is there', async () => {
  const { host, port, user, password, database } = service('db');
  const db = await mysql.createConnection({ host, port, user, password, database });
  try {
    const [rows] = await db.query('SELECT name FROM products WHERE price_cents < 2000 ORDER BY id');
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
  const { exitCode, stdout } = await exec('box', 'echo $((6 * 7)) && uname -s');
  expect(exitCode).toBe(0);
  expect(stdout).toBe('42\nLinux\n');
});
