import type { RunnerSession } from '../runner/session.js';

export interface Started {
  session: RunnerSession;
  /** What setup put in process.env, put back on each watch-mode rerun. */
  env: Record<string, string>;
}

// Jest loads globalSetup and globalTeardown itself (through its transformer, maybe from two
// copies of sandpit when a user composes them): the process's globalThis is surely shared.
const SLOT = Symbol.for('sandpit.jest.started');
const slots = globalThis as { [SLOT]?: Started };

export const started = (): Started | undefined => slots[SLOT];
export const remember = (value: Started | undefined): void => {
  slots[SLOT] = value;
};
