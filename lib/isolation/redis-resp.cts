// A few redis commands (AUTH, SELECT, FLUSHDB, EXISTS, SET, EVAL) over a raw socket, every reply one
// line. Not @redis/client: it costs ~250 ms to load, more than ten times the 20 ms a reset may take;
// copying a seed between databases is one script run by the server, whatever the seed's size.
import net = require('node:net');
import names = require('./names.cjs');

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
 * Ends every other client and returns this connection's id (CLIENT ID: "monotonically incremental",
 * every connection takes the next). lib/reuse proves from a later connection's id alone that nothing
 * has connected since, and no client kept open from before can write.
 */
async function seal(target: Target): Promise<number> {
  const replies = await send(target, [...auth(target), ['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'], ['CLIENT', 'KILL', 'TYPE', 'pubsub'], ['CLIENT', 'ID']]);
  return Number(replies.at(-1)!.slice(1));
}

/** A new connection's id (see seal). */
async function clientId(target: Target): Promise<number> {
  return Number((await send(target, [...auth(target), ['CLIENT', 'ID']], 1000)).at(-1)!.slice(1));
}

export = { seedTemplate, syncDatabase, resetServer, seal, clientId };
