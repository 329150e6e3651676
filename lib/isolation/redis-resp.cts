// Three redis commands (AUTH, SELECT, FLUSHDB) over a raw socket. Not @redis/client: inside a Jest
// worker every test file loads its modules afresh, and that client costs ~250 ms to load here,
// more than ten times the 20 ms a reset may take. Every reply to these commands is one line.
import net = require('node:net');

const encode = (args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/** Sends the commands in one write and resolves with their one-line replies; rejects on an error reply. */
function send(target: { host: string; port: number }, commands: string[][], timeoutMs = 5000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port });
    let buffered = '';
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`redis at ${target.host}:${target.port} did not answer within ${timeoutMs} ms`)));
    socket.on('error', fail);
    socket.on('connect', () => socket.write(commands.map(encode).join('')));
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\r\n').slice(0, -1);
      if (lines.length < commands.length) return;
      socket.end();
      const error = lines.find((line) => line.startsWith('-'));
      if (error) reject(new Error(`redis answered ${error.slice(1)}`));
      else resolve(lines);
    });
  });
}

/** Empties one logical database; the others (other workers', the global view's) are not touched. */
async function flushDatabase(target: { host: string; port: number; password?: string }, index: number): Promise<void> {
  await send(target, [...(target.password ? [['AUTH', target.password]] : []), ['SELECT', String(index)], ['FLUSHDB']]);
}

/** Every database: only for a server this process owns outright (taking over a reused one). */
async function flushServer(target: { host: string; port: number; password?: string }): Promise<void> {
  await send(target, [...(target.password ? [['AUTH', target.password]] : []), ['FLUSHALL']]);
}

export = { flushDatabase, flushServer };
