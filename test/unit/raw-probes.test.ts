import { afterEach, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import { httpStatus } from '../../lib/readiness/http.js';
import { mysqlGreets } from '../../lib/readiness/mysql.js';
import { redisPongs } from '../../lib/readiness/redis.js';

// Local servers that answer as the real ones do in each state: the parsing is what is under test here
// (the real services are in test/integration/first-use.test.ts).
const servers: net.Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function serve(onConnection: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer(onConnection);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

const packet = (payload: Buffer) => Buffer.concat([Buffer.from([payload.length & 0xff, payload.length >> 8, 0, 0]), payload]);

describe('readiness in one raw exchange', () => {
  test('redis: +PONG is ready; AUTH goes first when there is a password; -LOADING and -WRONGPASS are not', async () => {
    let seen = '';
    const answer = (reply: string) => serve((s) => s.once('data', (d) => ((seen = d.toString()), s.end(reply))));
    await expect(redisPongs('127.0.0.1', await answer('+PONG\r\n'), undefined, 1000)).resolves.toBe(true);
    expect(seen).toBe('*1\r\n$4\r\nPING\r\n');
    await expect(redisPongs('127.0.0.1', await answer('+OK\r\n+PONG\r\n'), 'p w', 1000)).resolves.toBe(true);
    expect(seen).toBe('*2\r\n$4\r\nAUTH\r\n$3\r\np w\r\n*1\r\n$4\r\nPING\r\n');
    await expect(redisPongs('127.0.0.1', await answer('-LOADING Redis is loading\r\n'), undefined, 1000)).rejects.toThrow('-LOADING');
    await expect(redisPongs('127.0.0.1', await answer('-WRONGPASS invalid\r\n'), 'x', 1000)).rejects.toThrow('-WRONGPASS');
  });

  test('mysql: a protocol-10 greeting is ready; an error packet or a closed connection is not', async () => {
    const greeting = packet(Buffer.concat([Buffer.from([10]), Buffer.from('10.11.6-MariaDB\0'), Buffer.alloc(20)]));
    await expect(mysqlGreets('127.0.0.1', await serve((s) => s.end(greeting)), 1000)).resolves.toBe('10.11.6-MariaDB');
    const refused = packet(Buffer.concat([Buffer.from([0xff, 0x10, 0x04]), Buffer.from('#08004Too many connections')]));
    await expect(mysqlGreets('127.0.0.1', await serve((s) => s.end(refused)), 1000)).rejects.toThrow('Too many connections');
    await expect(mysqlGreets('127.0.0.1', await serve((s) => s.end()), 1000)).rejects.toThrow('closed before answering');
  });

  test('http: any status line; silence times out', async () => {
    const port = await serve((s) => s.once('data', () => s.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')));
    await expect(httpStatus('127.0.0.1', port, '/', 1000)).resolves.toBe(403);
    await expect(httpStatus('127.0.0.1', await serve(() => {}), '/', 200)).rejects.toThrow('no answer within 200 ms');
  });
});

describe('log lines', () => {
  test("an engine's line stamp, as Docker (Z, nanoseconds) and Podman (an offset) write it", async () => {
    const { engineSeconds } = await import('../../lib/readiness/log-lines.js');
    expect(engineSeconds('2026-12-08T03:05:01.123456789Z server started')).toBeCloseTo(Date.UTC(2026, 11, 8, 3, 5, 1) / 1000 + 0.123456789, 5);
    expect(engineSeconds('2026-12-08T04:05:01.5+01:00 server started')).toBeCloseTo(Date.UTC(2026, 11, 8, 3, 5, 1) / 1000 + 0.5, 5);
    expect(engineSeconds('server started')).toBeUndefined();
  });

  test('frames of stdout and stderr, joined; a cut-off last frame is left out', async () => {
    const { unframed } = await import('../../lib/service/container.js');
    const framed = (type: number, text: string) => {
      const head = Buffer.alloc(8);
      head[0] = type;
      head.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([head, Buffer.from(text)]);
    };
    const many = Buffer.concat(Array.from({ length: 20_000 }, (_, i) => framed(1 + (i % 2), `${i}\n`)));
    expect(unframed(many).split('\n')).toHaveLength(20_001); // docker-modem's demuxStream overflowed the stack here
    expect(unframed(Buffer.concat([framed(1, 'é'), framed(2, 'x\n'), framed(1, 'cut off').subarray(0, 10)]))).toBe('éx\n');
  });
});
