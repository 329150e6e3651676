import { writeFile } from 'node:fs/promises';
import { serviceEnv } from '../lib/service/env.js';
import type { Service } from '../lib/types.js';

type WithExtras = Service & Partial<Record<'user' | 'password' | 'database', string>>;

export function describeService(s: WithExtras) {
  const { name, preset, url, host, port, containerId, user, password, database } = s;
  return { name, preset, url, host, port, containerId, ...(user === undefined ? {} : { user, password, database }) };
}

export function printServices(services: Service[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(services.map(describeService), null, 2)}\n`);
    return;
  }
  const width = Math.max(...services.map((s) => s.name.length));
  for (const s of services) process.stdout.write(`${s.name.padEnd(width)}  ${s.url}\n`);
}

/** KEY=VALUE lines, the names the Jest preset uses too. */
export async function writeEnvFile(file: string, services: Service[]): Promise<void> {
  const lines = services.flatMap((s) => Object.entries(serviceEnv(s)).map(([k, v]) => `${k}=${v}`));
  await writeFile(file, `${lines.join('\n')}\n`);
}
