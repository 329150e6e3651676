import { expect } from '@jest/globals';
import { SandpitError } from '../../lib/errors.js';

/** The SandpitError `promise` rejects with; fails the test if it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<SandpitError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a SandpitError, but it succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SandpitError);
  return error as SandpitError;
}
