import { createClient } from 'redis';
import { reset, service } from 'sandpit-services/vitest';
import { expect, inject, test } from 'vitest';

test('redis: SET then GET in this worker’s own database, then reset', async () => {
  const redis = await createClient({ url: service('cache').url }).connect();
  try {
    await redis.set('greeting', 'hi');
    expect(await redis.get('greeting')).toBe('hi');
    await reset('cache');
    expect(await redis.get('greeting')).toBeNull();
  } finally {
    redis.destroy();
  }
});

test('inject: the services the global setup provided', () => {
  expect(Object.keys(inject('sandpit').services)).toEqual(['cache']);
});
