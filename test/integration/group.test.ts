import { describe, expect, test } from '@jest/globals';
import { startAll } from '../../lib/service/group.js';
import { sessionId } from '../../lib/cleanup/labels.js';
import { SandpitError } from '../../lib/index.js';
import { containersWith } from '../helpers/engine.js';

describe('startAll (what `sandpit up` and the Jest preset use)', () => {
  test('a group where the third of four fails leaves nothing behind', async () => {
    const error = await startAll([
      'redis',
      'httpd',
      { preset: 'mysql', image: 'sandpit-test/no-such-image:1' },
      'ubuntu',
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandpitError);
    expect((error as SandpitError).code).toBe('IMAGE_UNAVAILABLE');
    expect(await containersWith(`sandpit.session=${sessionId}`)).toEqual([]);
  });

  test('two services with one name are refused before anything starts', async () => {
    await expect(startAll(['redis', { preset: 'redis' }])).rejects.toThrow('Two services are named "redis"');
  });
});
