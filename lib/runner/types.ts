// Shapes the test side (CommonJS, in test sandboxes) and the runners' main process share.

/** What a command run in a service's container gave. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** How a command runs (docker exec's -e, -u and -w): the same shape as the library's. */
export type { ExecOptions } from '../preset.js';

/** A service as tests see it. */
export interface TestService {
  url: string;
  host: string;
  port: number;
  containerId: string;
  /** mysql only */
  user?: string;
  password?: string;
  database?: string;
  /** mysql's root password, for a test that creates databases */
  rootPassword?: string;
}

