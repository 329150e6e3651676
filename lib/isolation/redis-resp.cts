// A few redis commands (AUTH, SELECT, FLUSHDB, EXISTS, SET, EVAL) over a raw socket, every reply one
// line. Not @redis/client: it costs ~250 ms to load, more than ten times the 20 ms a reset may take;
// copying a seed between databases is one script run by the server, whatever the seed's size.
import net = require('node:net');
import names = require('./names.cjs');

const encode = (args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/** One connection: each `run` sends its commands in one write and resolves with their one-line replies. */
function open(target: { host: string; port: number }, timeoutMs = 5000) {
  const socket = net.connect({ host: target.host, port: target.port });
  let failure: Error | undefined;
  let buffered = '';
  let waiting: { count: number; resolve: (lines: string[]) => void; reject: (error: Error) => void } | undefined;
  let onFailure: ((error: Error) => void) | undefined;
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    onFailure = reject;
  });
  connected.catch(() => {}); // seen by the first run()
  const fail = (error: Error) => {
    if (failure) return;
    failure = error;
    socket.destroy();
    onFailure?.(error);
    waiting?.reject(error);
    waiting = undefined;
  };
  socket.setTimeout(timeoutMs, () => fail(new Error(`redis at ${target.host}:${target.port} did not answer within ${timeoutMs} ms`)));
  socket.on('error', fail);
  socket.on('close', () => fail(new Error(`redis at ${target.host}:${target.port} closed the connection`)));
  socket.on('data', (chunk) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\r\n');
    if (!waiting || lines.length - 1 < waiting.count) return;
    const { count, resolve, reject } = waiting;
    waiting = undefined;
    const replies = lines.slice(0, count);
    buffered = lines.slice(count).join('\r\n');
    const error = replies.find((line) => line.startsWith('-'));
    if (error) reject(new Error(`redis answered ${error.slice(1)}`));
    else resolve(replies);
  });
  return {
    run: async (commands: string[][]): Promise<string[]> => {
      await connected;
      if (failure) throw failure;
      return new Promise<string[]>((resolve, reject) => {
        waiting = { count: commands.length, resolve, reject };
        socket.write(commands.map(encode).join(''));
      });
    },
    close: () => socket.end(),
  };
}

/** Sends the commands on a connection of their own; rejects on an error reply. */
async function send(target: { host: string; port: number }, commands: string[][], timeoutMs = 5000): Promise<string[]> {
  const connection = open(target, timeoutMs);
  try {
    return await connection.run(commands);
  } finally {
    connection.close();
  }
}

type Target = { host: string; port: number; password?: string; databases: number };

const auth = (target: Target): string[][] => (target.password ? [['AUTH', target.password]] : []);

/** Marks a complete template (a run may die while making one); never copied to a worker. */
const MARK = 'sandpit:template';

// Copies every key of the selected database into database ARGV[1] (types and TTLs kept), on the
// server: one round trip whatever the seed's size. The reply is one line (a count), as send() wants.
const COPY_ALL = `local cursor, copied = '0', 0
repeat
  local page = redis.call('SCAN', cursor, 'COUNT', 1000)
  cursor = page[1]
  for _, key in ipairs(page[2]) do
    if key ~= ARGV[2] then
      redis.call('COPY', key, key, 'DB', ARGV[1], 'REPLACE')
      copied = copied + 1
    end
  end
until cursor == '0'
return copied`;

const copy = (from: number, to: number): string[][] => [['SELECT', String(to)], ['FLUSHDB'], ['SELECT', String(from)], ['EVAL', COPY_ALL, '0', String(to), MARK]];

/** Main process, once the server is ready: database 0 as the init scripts left it becomes the template. */
async function seedTemplate(target: Target): Promise<void> {
  const template = names.redisTemplate(target.databases);
  await send(target, [...auth(target), ...copy(0, template), ['SELECT', String(template)], ['SET', MARK, '1']]);
}

/** A worker's database: emptied, then the template's keys (the seed) copied in. Nothing else is touched. */
async function syncDatabase(target: Target, index: number): Promise<void> {
  await send(target, [...auth(target), ...copy(names.redisTemplate(target.databases), index)]);
}

/**
 * Taking over a server an earlier run used: every database but the template emptied, and database 0
 * holds the seed again. A server whose template was never completed (its run died first, before any
 * test) still has its seed in database 0: the template is made from it.
 */
async function resetServer(target: Target): Promise<void> {
  const template = names.redisTemplate(target.databases);
  const marked = (await send(target, [...auth(target), ['SELECT', String(template)], ['EXISTS', MARK]])).at(-1) === ':1';
  const others = Array.from({ length: target.databases }, (_, i) => i).filter((i) => i !== template && (marked || i !== 0));
  await send(target, [...auth(target), ...others.flatMap((i) => [['SELECT', String(i)], ['FLUSHDB']])]);
  await (marked ? syncDatabase(target, 0) : seedTemplate(target));
}

/**
 * A warm server handed back (lib/reuse): on one connection, ends every other client, then resets as
 * resetServer does (and worker 1's database). Returns this connection's id (CLIENT ID: "monotonically
 * incremental", every connection takes the next): the next run proves from its own connection's id alone
 * (this + 1) that nothing connected after the reset, and no client kept open from before can write.
 * Redis runs one command at a time: once the kills are done, no other client runs anything.
 */
async function sealedReset(target: Target, worker1: boolean): Promise<number> {
  const template = names.redisTemplate(target.databases);
  const connection = open(target);
  try {
    const sealed = await connection.run([
      ...auth(target),
      ['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'],
      ['CLIENT', 'KILL', 'TYPE', 'pubsub'],
      ['CLIENT', 'ID'],
      ['SELECT', String(template)],
      ['EXISTS', MARK],
    ]);
    const me = Number(sealed.at(-3)!.slice(1));
    if (sealed.at(-1) !== ':1') throw new Error('sandpit: the warm redis has no complete template');
    const others = Array.from({ length: target.databases }, (_, i) => i).filter((i) => i !== template);
    await connection.run([
      ...others.flatMap((i) => [['SELECT', String(i)], ['FLUSHDB']]),
      ...copy(template, 0),
      ...(worker1 ? copy(template, 1) : []),
    ]);
    return me;
  } finally {
    connection.close();
  }
}

/** A new connection's id (see seal). */
async function clientId(target: Target): Promise<number> {
  return Number((await send(target, [...auth(target), ['CLIENT', 'ID']], 1000)).at(-1)!.slice(1));
}

export = { seedTemplate, syncDatabase, resetServer, sealedReset, clientId };
