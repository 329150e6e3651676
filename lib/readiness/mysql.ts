import { exchange } from './exchange.js';

/** What a MySQL server's greeting says: its version, and the id it gave this connection. */
export interface Greeting {
  version: string;
  /**
   * The server's connection counter: every connection (any user, any outcome, a socket one from
   * inside the container too) takes the next number. lib/reuse reads it to prove none came in between.
   */
  connectionId: number;
}

/**
 * The MySQL server's greeting (protocol 10), the first packet it sends on a connection it accepts.
 * Both the official image and sandpit's offline one open TCP only after users, passwords and the
 * database exist (a socket-only temporary server, or --init-file run before the first accept), so the
 * greeting means every account works. An error packet (too many connections, host blocked) is "not ready".
 */
export function mysqlGreeting(host: string, port: number, timeoutMs: number): Promise<Greeting> {
  return exchange(host, port, undefined, (received) => {
    if (received.length < 5) return undefined;
    const length = received.readUIntLE(0, 3);
    if (received.length < 4 + length) return undefined;
    const { version, connectionId } = readGreeting(received.subarray(4, 4 + length));
    return { version, connectionId };
  }, timeoutMs);
}

/** A greeting's payload, with what a login needs too: the server's capabilities, its nonce and its default auth plugin. */
export function readGreeting(payload: Buffer): Greeting & { capabilities: number; nonce: Buffer; plugin: string } {
  if (payload[0] === 0xff) throw new Error(`mysql refused: ${payload.subarray(9).toString('utf8') || `error ${payload.readUInt16LE(1)}`}`);
  if (payload[0] !== 10) throw new Error(`not a MySQL greeting (protocol ${payload[0]})`);
  const end = payload.indexOf(0, 1);
  if (end === -1 || payload.length < end + 5) throw new Error('a MySQL greeting cut short');
  const version = payload.subarray(1, end).toString('latin1');
  const connectionId = payload.readUInt32LE(end + 1);
  // Servers before protocol 4.1 stop here: no capabilities worth a login.
  let at = end + 5;
  if (payload.length < at + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10) return { version, connectionId, capabilities: 0, nonce: Buffer.alloc(0), plugin: '' };
  const part1 = payload.subarray(at, at + 8);
  at += 9; // and a filler byte
  const low = payload.readUInt16LE(at);
  at += 2 + 1 + 2; // charset, status
  const capabilities = ((payload.readUInt16LE(at) << 16) | low) >>> 0;
  const dataLength = payload[at + 2]!;
  at += 3 + 10;
  const part2Length = Math.max(13, dataLength - 8);
  const nonce = Buffer.concat([part1, payload.subarray(at, at + part2Length - 1)]); // without its NUL
  at += part2Length;
  const pluginEnd = payload.indexOf(0, at);
  return { version, connectionId, capabilities, nonce, plugin: payload.subarray(at, pluginEnd === -1 ? undefined : pluginEnd).toString('latin1') };
}

/** The server's version, once it greets (see mysqlGreeting). */
export const mysqlGreets = (host: string, port: number, timeoutMs: number): Promise<string> => mysqlGreeting(host, port, timeoutMs).then((g) => g.version);
