import net from 'node:net';

/**
 * One raw protocol exchange: connect, write `request` (if any), read until `answer` decides.
 * `answer` returns a value once the bytes so far settle it, or undefined to keep reading; it throws
 * when they say "not ready". A readiness check is this and nothing more: no client library to load
 * (and keep in memory), and no connection for the first use to open again.
 */
export function exchange<T>(
  host: string,
  port: number,
  request: string | undefined,
  answer: (received: Buffer) => T | undefined,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket = net.connect({ host, port });
    const fail = (error: Error) => (socket.destroy(), reject(error));
    const timer = setTimeout(() => fail(new Error(`${host}:${port}: no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once('close', () => clearTimeout(timer));
    socket.once('error', fail);
    // Docker's proxy accepts at once and closes when the service is not listening yet.
    socket.once('end', () => fail(new Error(`${host}:${port}: closed before answering`)));
    if (request !== undefined) socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      try {
        const value = answer(received);
        if (value !== undefined) (socket.destroy(), resolve(value));
      } catch (error) {
        fail(error as Error);
      }
    });
  });
}
