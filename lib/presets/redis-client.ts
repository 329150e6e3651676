import type { RedisClientType } from '@redis/client';

/** A connected client that `await using` closes; connect and command errors reject, never crash. */
export async function connect(target: { host: string; port: number }, password?: string) {
  const { createClient } = await import('@redis/client');
  const redis = createClient({
    socket: { host: target.host, port: target.port, connectTimeout: 1000, reconnectStrategy: false },
    ...(password ? { password } : {}),
  }) as unknown as RedisClientType;
  redis.on('error', () => {}); // reported through the rejected connect/command instead
  const handle = { redis, [Symbol.asyncDispose]: async () => redis.destroy() };
  try {
    await redis.connect();
  } catch (error) {
    redis.destroy();
    throw error;
  }
  return handle;
}
