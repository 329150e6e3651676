// The test side of the Jest preset. CommonJS on purpose: Jest's test sandbox cannot require()
// ES modules on Node 20, so this file loads nothing of sandpit's ESM core inside a test.
import childProcess = require('node:child_process');
import path = require('node:path');

interface JestService {
  url: string;
  host: string;
  port: number;
  containerId: string;
  /** mysql only */
  user?: string;
  password?: string;
  database?: string;
}

interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Name → variable prefix, as published by the global setup. */
function published(): Record<string, string> {
  const json = process.env.SANDPIT_SERVICES;
  if (json === undefined) {
    throw new Error("sandpit: no services in this Jest run: its globalSetup did not run. Add preset: 'sandpit-services' to your Jest config (or call globalSetup from sandpit-services/jest in yours).");
  }
  return JSON.parse(json) as Record<string, string>;
}

/** A service started for this Jest run, by its name in sandpit.config.*. */
function service(name: string): JestService {
  const prefixes = published();
  const prefix = Object.hasOwn(prefixes, name) ? prefixes[name] : undefined;
  if (prefix === undefined) {
    const names = Object.keys(prefixes);
    throw new Error(`sandpit: no service named "${name}" in this Jest run. ${names.length ? `Services: ${names.join(', ')}.` : 'The config has none.'}`);
  }
  const read = (key: string) => process.env[`${prefix}_${key}`];
  const extras: Partial<JestService> = {};
  for (const key of ['user', 'password', 'database'] as const) {
    const value = read(key.toUpperCase());
    if (value !== undefined) extras[key] = value;
  }
  return { url: read('URL') ?? '', host: read('HOST') ?? '', port: Number(read('PORT')), containerId: read('CONTAINER_ID') ?? '', ...extras };
}

/** Runs a command in a service's container; a string goes through `sh -c`. */
function exec(name: string, command: string | string[]): Promise<ExecResult> {
  const { containerId } = service(name);
  const argv = typeof command === 'string' ? ['sh', '-c', command] : command;
  const script = path.join(__dirname, 'exec-process.js');
  return new Promise((resolve, reject) => {
    childProcess.execFile(process.execPath, [script, containerId, JSON.stringify(argv)], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`sandpit: exec in "${name}" failed: ${stderr.trim() || error.message}`));
      else resolve(JSON.parse(stdout) as ExecResult);
    });
  });
}

// For users with a globalSetup of their own: call these from it. They run in Jest's main process,
// where the ESM core loads normally.
type Hook = (globalConfig: { rootDir: string; watch?: boolean; watchAll?: boolean; silent?: boolean }) => Promise<void>;
const globalSetup: Hook = async (globalConfig) => (await import('./global-setup.js')).default(globalConfig);
const globalTeardown: Hook = async (globalConfig) => (await import('./global-teardown.js')).default(globalConfig);

export = { service, exec, globalSetup, globalTeardown };
