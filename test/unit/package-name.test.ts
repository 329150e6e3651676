import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

// npm's `sandpit` is an unrelated package: every line a user copies must name this one.
describe('the published name', () => {
  const { name, bin } = JSON.parse(read('package.json')) as { name: string; bin: Record<string, string> };

  test('is not "sandpit", and the command still is', () => {
    expect(name).not.toBe('sandpit');
    expect(Object.keys(bin)).toEqual(['sandpit']);
  });

  test('README install lines, imports and the Jest preset name it', () => {
    const readme = read('README.md');
    const installs = [...readme.matchAll(/npm install (?:--save-dev |-D )?([@\w/.-]+)/g)].map((m) => m[1]);
    expect(installs.length).toBeGreaterThan(0);
    for (const pkg of installs) expect(pkg).toBe(name);
    const imported = [...readme.matchAll(/(?:from|require\()\s*'([^']+)'/g)].map((m) => m[1]!.split('/')[0]);
    for (const pkg of imported.filter((p) => !p!.startsWith('node:') && !['mysql2', 'redis', 'vitest', '@jest'].includes(p!))) expect(pkg).toBe(name);
    for (const [, preset] of readme.matchAll(/(?:exports =|export default) { preset: '([^']+)'/g)) expect(preset).toBe(name);
  });

  test('the examples use it', () => {
    for (const file of ['examples/jest-cjs/jest.config.js', 'examples/jest-esm-ts/jest.config.js']) expect(read(file)).toContain(`preset: '${name}'`);
    expect(read('examples/jest-esm-ts/test/services.test.ts')).toContain(`from '${name}/jest'`);
  });
});
