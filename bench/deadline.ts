import { execa } from 'execa';
import { sessionId } from '../lib/cleanup/labels.js';

/**
 * Every bench step has a deadline: one that hangs (an engine or a file-system request that never
 * answers) ends the bench with a line saying which, after removing what the bench started.
 * Everything it starts carries one of: its sandpit session, `sandpit.bench=<pid>` (raw docker and
 * testcontainers), or a name from `cliNames` (the CLI's detached services).
 */
export const benchLabels = { 'sandpit.bench': String(process.pid) };
export const cliNames = new Set<string>();

const STEP_MS = Number(process.env.SANDPIT_BENCH_STEP_MS) || 180_000;

export async function step<T>(what: string, work: () => Promise<T>, ms = STEP_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work(), late]);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith(what))) throw error;
    process.stderr.write(`bench: ${error.message}; removing what the bench started, then stopping\n`);
    await removeStarted();
    // A create still in flight lands after the first pass: a second one catches it.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await removeStarted();
    process.exit(1);
  } finally {
    clearTimeout(timer);
  }
}

async function removeStarted(): Promise<void> {
  const filters = [
    `label=sandpit.bench=${process.pid}`,
    `label=sandpit.session=${sessionId}`,
    ...[...cliNames].map((name) => `label=sandpit.name=${name}`),
  ];
  const ids = new Set<string>();
  for (const filter of filters) {
    const { stdout } = await execa('docker', ['ps', '-aq', '--filter', filter], { reject: false, timeout: 20_000 });
    for (const id of String(stdout ?? '').split('\n').filter(Boolean)) ids.add(id);
  }
  if (ids.size) await execa('docker', ['rm', '-f', '-v', ...ids], { reject: false, timeout: 30_000 });
  process.stderr.write(`bench: removed ${ids.size} container${ids.size === 1 ? '' : 's'}\n`);
}
