import { createConnection } from 'mysql2/promise';
import { createClient } from '@redis/client';

export interface MysqlLogin {
  user: string;
  password: string;
  database: string;
}

/** The first real use of each preset, the same whoever started the container. */
export const firstUse = {
  async redis(host: string, port: number): Promise<void> {
    const client = createClient({ socket: { host, port, reconnectStrategy: false } });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.set('k', 'v');
      if ((await client.get('k')) !== 'v') throw new Error('GET mismatch');
    } finally {
      client.destroy();
    }
  },
  async httpd(host: string, port: number): Promise<void> {
    const response = await fetch(`http://${host}:${port}/hello.txt`, { signal: AbortSignal.timeout(1000) });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    await response.text();
  },
  /** `login`: the bench's own account unless the server was started with another (a snapshot image's). */
  async mysql(host: string, port: number, login: MysqlLogin = { user: 'app', password: 'app-pw', database: 'app' }): Promise<void> {
    // A server raw docker or testcontainers just started has a cold password cache: mysql2 ≥ 3.26 then
    // refuses the plain-TCP login without this, as it would refuse a user's own client.
    const connection = await createConnection({ host, port, ...login, connectTimeout: 1000, allowPublicKeyRetrieval: true });
    try {
      await connection.query('SELECT 1');
    } finally {
      connection.destroy();
    }
  },
};

/** Polls a first use every `ms` until it succeeds: the practical limit for a raw `docker run`. */
export async function pollUntil(use: () => Promise<void>, ms = 10, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await use();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
  }
}
