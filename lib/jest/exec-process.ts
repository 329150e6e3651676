import { docker } from '../docker/client.js';
import { describe } from '../errors.js';
import { execIn } from '../service/container.js';

// `exec()` of sandpit/jest runs this as a child process: a Jest test sandbox cannot load
// sandpit's ES modules, a plain Node process can. argv: container id, command as JSON, env as JSON.
const [id = '', command = '[]', env = '{}'] = process.argv.slice(2);
try {
  const result = await execIn(await docker(), id, JSON.parse(command) as string[], JSON.parse(env) as Record<string, string>);
  process.stdout.write(JSON.stringify(result), () => process.exit(0));
} catch (error) {
  process.stderr.write(describe(error));
  process.exit(1);
}
