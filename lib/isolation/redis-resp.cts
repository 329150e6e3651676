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
/** In the template: the expiries its keys had when it was made (its own keys have none), never copied. */
const EXPIRIES = 'sandpit:template:expiries';

// Copies every key of the selected database into database ARGV[1] (types kept), on the server: one round
// trip whatever the seed's size. The reply is one line (a count), as send() wants.
// Expiries: a template that kept them would count them down in real time, and lose the keys when they
// fell due (a warm server kept for days; a seed's `EX 60` in a long run). So the template keeps none:
// made ('freeze'), its keys are persisted and what was left of each expiry (and of a hash field's, redis
// 7.4+) noted; each copy out of it sets them again, counted from that copy, as if the seed had just run.
// SELECT in a script changes the script's database only (redis 2.8.12+), not the caller's.
const COPY_ALL = `local to, mark, note, freeze, from = ARGV[1], ARGV[2], ARGV[3], ARGV[4] == '1', ARGV[5]
local fielded = false
-- Out of the template: a test's FLUSHDB of the template's database left none, and a copy of nothing would
-- have emptied this worker's database as if that were the seed.
if not freeze and redis.call('EXISTS', mark) == 0 then
  return redis.error_reply('SANDPIT_NO_TEMPLATE database ' .. from .. ' no longer holds the seed: a test emptied it (FLUSHDB there). Empty only the database service() names (or call reset()), and start the run again to seed anew (a server kept warm between runs: remove it first, sandpit down <name>)')
end
if freeze then
  local line = string.match(redis.call('INFO', 'keyspace'), 'db' .. from .. ':[^\\r\\n]*')
  -- Hash fields with an expiry of their own: redis' subexpiry (7.4+), Valkey's keys_with_volatile_items (9.0+).
  local counted = function(name) return tonumber(string.match(line or '', name .. '=(%d+)') or '0') > 0 end
  fielded = counted('subexpiry') or counted('keys_with_volatile_items')
end
local cursor, copied, timed = '0', 0, {}
repeat
  local page = redis.call('SCAN', cursor, 'COUNT', 1000)
  cursor = page[1]
  for _, key in ipairs(page[2]) do
    if key ~= mark and key ~= note then
      redis.call('COPY', key, key, 'DB', to, 'REPLACE')
      copied = copied + 1
      if freeze then
        local ms, fields = redis.call('PTTL', key), {}
        if fielded and redis.call('TYPE', key).ok == 'hash' then
          local names = redis.call('HKEYS', key)
          for i = 1, #names, 500 do
            local batch = {unpack(names, i, math.min(i + 499, #names))}
            local ok, left = pcall(redis.call, 'HPTTL', key, 'FIELDS', #batch, unpack(batch))
            for j, field in ipairs(batch) do
              if ok and left[j] > 0 then fields[#fields + 1] = {field, left[j]} end
            end
          end
        end
        if ms > 0 or #fields > 0 then timed[#timed + 1] = {key, ms, fields} end
      end
    end
  end
until cursor == '0'
if freeze then
  redis.call('SELECT', to)
  redis.call('DEL', note)
  for _, t in ipairs(timed) do
    if t[2] > 0 then redis.call('PERSIST', t[1]) end
    for _, f in ipairs(t[3]) do redis.call('HPERSIST', t[1], 'FIELDS', 1, f[1]) end
    redis.call('HSET', note, t[1], cjson.encode({t[2], t[3]}))
  end
else
  local noted = redis.call('HGETALL', note)
  redis.call('SELECT', to)
  for i = 1, #noted, 2 do
    local t = cjson.decode(noted[i + 1])
    if t[1] > 0 then redis.call('PEXPIRE', noted[i], t[1]) end
    for _, f in ipairs(t[2]) do redis.call('HPEXPIRE', noted[i], f[2], 'FIELDS', 1, f[1]) end
  end
end
return copied`;

/** Empties database `to`, then copies `from` into it; `freeze`: `to` is a template being made (see COPY_ALL). */
const copy = (from: number, to: number, freeze = false): string[][] => [
  ['SELECT', String(to)],
  ['FLUSHDB'],
  ['SELECT', String(from)],
  ['EVAL', COPY_ALL, '0', String(to), MARK, EXPIRIES, freeze ? '1' : '0', String(from)],
];

/**
 * FLUSHALL empties every database, the template too: a test's FLUSHALL (a common cleanup) emptied the other
 * workers' databases under their tests, and every later reset, and a warm server's next runs, had no seed
 * to copy. A server with a template refuses it (NOPERM; the README says to use FLUSHDB, or reset()), and
 * SWAPDB, which put a worker's data in the template's place. sandpit's own resets empty one database at a
 * time and never swap. Redis 6+ (ACL), as COPY needs 6.2. (ACL rules cannot name a database: a FLUSHDB
 * run in the template's own database is not refused; the next copy out of it says so.)
 */
const GUARD = ['ACL', 'SETUSER', 'default', '-flushall', '-swapdb'];

/**
 * Says, outside every database, that this server's template was made: a FLUSHDB can remove MARK, and a
 * test that cleans up with FLUSHDB in each database (FLUSHALL being refused) removes any key of it. A user
 * that cannot log in (off, no command) is only a name in ACL LIST. A restart forgets it, as it forgets the
 * template (no save): database 0 holds the seed again then, from the image.
 */
const MADE = 'sandpit-template-made';

/** Main process, once the server is ready: database 0 as the init scripts left it becomes the template. */
async function seedTemplate(target: Target): Promise<void> {
  const template = names.redisTemplate(target.databases);
  await send(target, [...auth(target), ...copy(0, template, true), ['SELECT', String(template)], ['SET', MARK, '1']]);
  await guard(target);
}

/** Best effort: a server whose ACL commands are renamed away or refused still gets its copies, unguarded. */
async function guard(target: Target): Promise<void> {
  await send(target, [...auth(target), GUARD, ['ACL', 'SETUSER', MADE, 'reset', 'off']]).catch(() => {});
}

/**
 * Whether guard() ran on this server since it started. Last in its pipeline: the reply is an array ('$-1' when
 * no such user). A server that refuses ACL (renamed away) never had the mark; a connection that failed says nothing.
 */
async function templateMade(target: Target): Promise<boolean> {
  const reply = await send(target, [...auth(target), ['ACL', 'GETUSER', MADE]]).catch((error: Error) => {
    if (error.message.startsWith('redis answered')) return ['$-1'];
    throw error;
  });
  return reply.at(-1)!.startsWith('*');
}

/** The code of the error below (and the prefix of the copy script's own, COPY_ALL). */
const NO_TEMPLATE = 'SANDPIT_NO_TEMPLATE';

/** A template a test emptied: the seed is nowhere on this server any more. */
const noTemplate = (template: number) =>
  Object.assign(
    new Error(
      `database ${template} no longer holds the seed: a test emptied it (FLUSHDB there). Empty only the database service() names (or call reset()); the server must start anew to be seeded again`,
    ),
    { code: NO_TEMPLATE },
  );

/** A worker's database: emptied, then the template's keys (the seed) copied in. Nothing else is touched. */
async function syncDatabase(target: Target, index: number): Promise<void> {
  await send(target, [...auth(target), ...copy(names.redisTemplate(target.databases), index)]);
}

/**
 * Taking over a server an earlier run used: every database but the template emptied, and database 0
 * holds the seed again. A server whose template was never completed (its run died first, before any
 * test) still has its seed in database 0: the template is made from it. One whose template a test emptied
 * has no seed left: it fails (code SANDPIT_NO_TEMPLATE), for the caller to start a new server.
 */
async function resetServer(target: Target): Promise<void> {
  const template = names.redisTemplate(target.databases);
  const marked = (await send(target, [...auth(target), ['SELECT', String(template)], ['EXISTS', MARK]])).at(-1) === ':1';
  // Database 0 is the seed only while no template was made: after, it holds what the last run's tests wrote.
  if (!marked && (await templateMade(target))) throw noTemplate(template);
  const others = Array.from({ length: target.databases }, (_, i) => i).filter((i) => i !== template && (marked || i !== 0));
  await send(target, [...auth(target), ...others.flatMap((i) => [['SELECT', String(i)], ['FLUSHDB']])]);
  // The guard again: a restarted server (`docker restart`) forgot it.
  await (marked ? syncDatabase(target, 0).then(() => guard(target)) : seedTemplate(target));
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

export = { seedTemplate, syncDatabase, resetServer, sealedReset, clientId, NO_TEMPLATE };
