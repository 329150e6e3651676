import { exchange } from './exchange.js';

/**
 * One HTTP/1.1 GET over a raw socket, resolving with the status code: the server answers, whatever it
 * says. (fetch() would do, but loading undici costs tens of ms and MBs the first use never needs.)
 */
export function httpStatus(host: string, port: number, path: string, timeoutMs: number): Promise<number> {
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const request = `GET ${path} HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\nUser-Agent: sandpit\r\n\r\n`;
  return exchange(host, port, request, (received) => {
    const line = received.indexOf('\n'); // CRLF, or a bare LF as curl takes it
    if (line === -1) return received.length > 1024 ? fail(received) : undefined;
    const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(received.subarray(0, line).toString('latin1'));
    return status ? Number(status[1]) : fail(received);
  }, timeoutMs);
}

const fail = (received: Buffer): never => {
  throw new Error(`not an HTTP answer: ${JSON.stringify(received.subarray(0, 60).toString('latin1'))}`);
};
