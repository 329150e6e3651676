import type { ExecResult } from '../preset.js';

/** How lib/service starts a container for lib/snapshots: from which image, with what, instead of the preset's defaults. */
export interface Launch {
  image: string;
  /** The preset's resolved options. */
  options: object;
  command: string[];
  workingDir?: string;
  /** Container path → content, copied in before the container starts. */
  files: Record<string, string>;
  /** Added to the preset's variables (lib/files/at-start.ts: files the container writes as it starts). */
  env?: Record<string, string>;
  /** In front of the image's own (lib/files/at-start.ts). */
  entrypoint?: string[];
  labels?: Record<string, string>;
  /** The container may end once its first start's work is done: an exit with this code counts as ready too. */
  endsAfterInit?: { exitCode: number };
}

/** A ready container, as the snapshot builder needs it. */
export interface Launched {
  containerId: string;
  host: string;
  port: number;
  exec(command: string[]): Promise<ExecResult>;
  logs(): Promise<string>;
  /** Removes the container and its anonymous volumes. */
  stop(): Promise<void>;
}
