import { createHash } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { readGreeting } from './mysql.js';

// MySQL 8.4 and 9 log accounts in with caching_sha2_password. Until an account has logged in once over a
// secure channel since the server started, the server asks for its password in full, which over plain
// TCP means fetching the server's RSA key: clients refuse that unless told to (mysql2 since 3.26,
// Connector/J, PHP), so a test's first connection fails. Once it has, later logins take the fast path
// (a scramble), plain TCP included. This is that first login, in raw protocol: no client library.

const CLIENT = {
  LONG_PASSWORD: 0x1,
  PROTOCOL_41: 0x200,
  SSL: 0x800,
  TRANSACTIONS: 0x2000,
  SECURE_CONNECTION: 0x8000,
  PLUGIN_AUTH: 0x80000,
} as const;
const CAPABILITIES = CLIENT.LONG_PASSWORD | CLIENT.PROTOCOL_41 | CLIENT.TRANSACTIONS | CLIENT.SECURE_CONNECTION | CLIENT.PLUGIN_AUTH;
const UTF8MB4 = 45;
const PLUGIN = 'caching_sha2_password';

/**
 * How a login went: 'fast' (the server knew the account: a scramble sufficed), 'full' (it asked for the
 * password in full; over TLS it was given, so the next login is fast), 'not-needed' (another plugin, or
 * a server without TLS: nothing to do).
 */
export type Login = 'fast' | 'full' | 'not-needed';

/** One login as `user`; over TLS when `secure` (certificates not checked: the server is ours), else plain. */
export async function mysqlLogin(host: string, port: number, user: string, password: string, { secure, timeoutMs }: { secure: boolean; timeoutMs: number }): Promise<Login> {
  const raw = net.connect({ host, port });
  const timer = setTimeout(() => raw.destroy(new Error(`${host}:${port}: no login within ${timeoutMs} ms`)), timeoutMs);
  try {
    let packets = reader(raw);
    const greeting = readGreeting((await packets.next()).payload);
    if (greeting.plugin !== PLUGIN || (secure && !(greeting.capabilities & CLIENT.SSL))) return 'not-needed';
    let seq = 1;
    let socket: net.Socket = raw;
    if (secure) {
      send(raw, seq++, handshake(CAPABILITIES | CLIENT.SSL));
      packets.stop();
      socket = tls.connect({ socket: raw, rejectUnauthorized: false });
      await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject).once('close', () => reject(new Error('the server closed the connection during TLS'))));
      packets = reader(socket);
    }
    const login = Buffer.concat([
      handshake(CAPABILITIES | (secure ? CLIENT.SSL : 0)),
      Buffer.from(`${user}\0`, 'utf8'),
      lengthPrefixed(scramble(password, greeting.nonce)),
      Buffer.from(`${PLUGIN}\0`, 'latin1'),
    ]);
    send(socket, seq++, login);
    let answer = await packets.next();
    if (answer.payload[0] === 0x01 && answer.payload[1] === 0x03) {
      ok((await packets.next()).payload);
      return 'fast';
    }
    if (answer.payload[0] === 0x01 && answer.payload[1] === 0x04) {
      if (!secure) return 'full'; // would need the RSA key: what clients refuse
      send(socket, answer.seq + 1, Buffer.from(`${password}\0`, 'utf8'));
      answer = await packets.next();
      ok(answer.payload);
      return 'full';
    }
    if (answer.payload[0] === 0xfe) return 'not-needed'; // the account uses another plugin
    ok(answer.payload);
    return 'fast';
  } finally {
    clearTimeout(timer);
    raw.destroy();
  }
}

/** Capabilities, max packet size, charset and 23 bytes of filler: an SSLRequest, and a login's first part. */
function handshake(capabilities: number): Buffer {
  const head = Buffer.alloc(32);
  head.writeUInt32LE(capabilities >>> 0, 0);
  head.writeUInt32LE(0x1000000, 4);
  head[8] = UTF8MB4;
  return head;
}

/** caching_sha2_password's fast-path answer: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + nonce). */
function scramble(password: string, nonce: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const sha = (data: Buffer) => createHash('sha256').update(data).digest();
  const stage1 = sha(Buffer.from(password, 'utf8'));
  const stage3 = sha(Buffer.concat([sha(stage1), nonce]));
  return Buffer.from(stage1.map((byte, i) => byte ^ stage3[i]!));
}

const lengthPrefixed = (data: Buffer) => Buffer.concat([Buffer.from([data.length]), data]);

function send(socket: net.Socket, seq: number, payload: Buffer): void {
  const head = Buffer.alloc(4);
  head.writeUIntLE(payload.length, 0, 3);
  head[3] = seq & 0xff;
  socket.write(Buffer.concat([head, payload]));
}

function ok(payload: Buffer): void {
  if (payload[0] === 0xff) throw new Error(`mysql refused the login: ${payload.subarray(9).toString('utf8')}`);
  if (payload[0] !== 0x00) throw new Error(`an unexpected answer to a login (0x${payload[0]?.toString(16)})`);
}

/** Packets from `socket`, one at a time; `stop` hands the socket over (to TLS) without reading on. */
function reader(socket: net.Socket) {
  let buffered = Buffer.alloc(0);
  let waiting: { resolve: (p: { seq: number; payload: Buffer }) => void; reject: (e: Error) => void } | undefined;
  let failed: Error | undefined;
  const take = () => {
    if (!waiting || buffered.length < 4) return;
    const length = buffered.readUIntLE(0, 3);
    if (buffered.length < 4 + length) return;
    const packet = { seq: buffered[3]!, payload: buffered.subarray(4, 4 + length) };
    buffered = buffered.subarray(4 + length);
    const { resolve } = waiting;
    waiting = undefined;
    resolve(packet);
  };
  const onData = (chunk: Buffer) => ((buffered = Buffer.concat([buffered, chunk])), take());
  const onEnd = (error?: Error) => {
    failed = error ?? new Error('the server closed the connection during the login');
    waiting?.reject(failed);
  };
  socket.on('data', onData).on('error', onEnd).on('close', () => onEnd());
  return {
    next: () =>
      new Promise<{ seq: number; payload: Buffer }>((resolve, reject) => {
        if (failed) return reject(failed);
        waiting = { resolve, reject };
        take();
      }),
    stop: () => socket.off('data', onData).removeListener('error', onEnd),
  };
}

/**
 * Logs each account in once over TLS, side by side. Best effort: a server without TLS or an account on
 * another plugin needs none, and a login that fails here would fail the same way for the caller's own
 * client, whose error says more than ours could.
 */
export async function firstLogins(host: string, port: number, accounts: [user: string, password: string][]): Promise<void> {
  await Promise.all(accounts.map(([user, password]) => mysqlLogin(host, port, user, password, { secure: true, timeoutMs: 5000 }).catch(() => 'not-needed')));
}
