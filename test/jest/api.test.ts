import { expect, test } from '@jest/globals';
import { fixture, pidGone, runJest } from './harness.js';

// sandpit-services/jest must load inside Jest's CommonJS test sandbox, with no Node flags.
test('service() and exec() work in a plain CommonJS project', async () => {
  const result = await runJest(fixture('consumer'));
  expect(result.all).toMatch(/Tests:\s+2 passed, 2 total/);
  expect(result.exitCode).toBe(0);
});

test("globalSetup/globalTeardown compose with a project's own", async () => {
  const jest = runJest(fixture('composed'));
  const result = await jest;
  expect(result.all).toMatch(/sandpit: cache ready in/);
  expect(result.exitCode).toBe(0);
  expect(await pidGone(jest.pid!, 5000)).toBe(true);
});
