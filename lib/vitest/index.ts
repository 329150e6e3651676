// `sandpit-services/vitest`: the global setup (`test: { globalSetup: ['sandpit-services/vitest'] }`)
// and the test side (`service()`, `exec()`). Workers import this file too, so the core that starts
// containers is loaded only by the setup, in Vitest's main process.
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import testSide from '../runner/test-side.cjs';
import type { ExecResult, TestService } from '../runner/types.js';

export type { ExecResult, TestService };

/** What the setup provides to tests: `inject('sandpit')`. */
export interface SandpitContext {
  session: string;
  /** The exec server's socket in Vitest's main process. */
  exec: string;
  services: Record<string, TestService>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    sandpit: SandpitContext;
  }
}

/** Starts the services of `sandpit.config.*` once per Vitest run; returns the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  return (await import('./setup.js')).setup(project);
}

function context(): SandpitContext {
  const provided = inject('sandpit') as SandpitContext | undefined;
  if (!provided) {
    throw new testSide.SandpitTestError(
      'CONFIG_INVALID',
      "sandpit: no services in this Vitest run: its global setup did not run. Add test: { globalSetup: ['sandpit-services/vitest'] } to your vitest.config.",
    );
  }
  return provided;
}

/** A service started for this run, by its name in sandpit.config.*. Synchronous and free. */
export function service(name: string): TestService {
  return testSide.pick(context().services, name, 'Vitest');
}

/** Runs a command in a service's container; a string goes through `sh -c`. One local request to Vitest's main process. */
export async function exec(name: string, command: string | string[]): Promise<ExecResult> {
  const { exec: address, services } = context();
  testSide.pick(services, name, 'Vitest');
  return testSide.execVia(address, name, testSide.argv(command));
}
