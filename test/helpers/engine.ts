import { execa } from 'execa';

/** Containers on the engine with these labels (all sandpit ones when none are given). */
export async function containersWith(...labels: string[]): Promise<string[]> {
  const filters = ['sandpit', ...labels].flatMap((label) => ['--filter', `label=${label}`]);
  const { stdout } = await execa('docker', ['ps', '-aq', ...filters]);
  return stdout.split('\n').filter(Boolean);
}

/** Polls until `check` returns true or `ms` pass; returns the last result. */
export async function eventually(check: () => Promise<boolean>, ms: number, every = 200): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

export async function inspect(id: string): Promise<any> {
  const { stdout } = await execa('docker', ['inspect', id]);
  return JSON.parse(stdout)[0];
}
