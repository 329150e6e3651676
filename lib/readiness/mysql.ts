import { exchange } from './exchange.js';

/**
 * The MySQL server's greeting (protocol 10), the first packet it sends on a connection it accepts.
 * Both the official image and sandpit's offline one open TCP only after users, passwords and the
 * database exist (a socket-only temporary server, or --init-file run before the first accept), so the
 * greeting means every account works. An error packet (too many connections, host blocked) is "not ready".
 */
export function mysqlGreets(host: string, port: number, timeoutMs: number): Promise<string> {
  return exchange(host, port, undefined, (received) => {
    if (received.length < 5) return undefined;
    const length = received.readUIntLE(0, 3);
    if (received.length < 4 + length) return undefined;
    const payload = received.subarray(4, 4 + length);
    if (payload[0] === 0xff) throw new Error(`mysql refused: ${payload.subarray(9).toString('utf8') || `error ${payload.readUInt16LE(1)}`}`);
    if (payload[0] !== 10) throw new Error(`not a MySQL greeting (protocol ${payload[0]})`);
    return payload.subarray(1, payload.indexOf(0, 1)).toString('latin1'); // the server version
  }, timeoutMs);
}
