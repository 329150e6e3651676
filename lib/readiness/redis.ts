import { exchange } from './exchange.js';

/** A RESP command: an array of bulk strings, so a password may hold spaces or newlines. */
const command = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/**
 * Redis answers PING with +PONG (after AUTH when a password is set): what the client library's
 * connect + ping checked, in one round trip. -LOADING and -NOAUTH/-WRONGPASS are "not ready".
 */
export function redisPongs(host: string, port: number, password: string | undefined, timeoutMs: number): Promise<true> {
  const request = (password ? command('AUTH', password) : '') + command('PING');
  const expected = (password ? '+OK\r\n' : '') + '+PONG\r\n';
  return exchange(host, port, request, (received) => {
    const text = received.toString('latin1');
    const error = /^-(.*)\r\n/m.exec(text);
    if (error) throw new Error(`redis answered -${error[1]}`);
    if (text.length < expected.length) return undefined;
    if (text.startsWith(expected)) return true;
    throw new Error(`redis answered ${JSON.stringify(text.slice(0, 60))}`);
  }, timeoutMs);
}
