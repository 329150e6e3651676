// The raw baseline on a remote engine: `docker run -d` of redis on a random port of the engine's
// machine, then first use; the Docker CLI reaches the engine as `env` says (tcp:// or ssh://).
import { execa } from 'execa';
import { firstUse, pollUntil } from './uses.js';

const REDIS_COMMAND = ['redis-server', '--protected-mode', 'no', '--save', ''];

export async function dockerRunRedis(image: string, host: string, env: NodeJS.ProcessEnv): Promise<number> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const t0 = performance.now();
  const id = (await execa('docker', ['run', '-d', '--rm', '-p', `0.0.0.0:${port}:6379`, image, ...REDIS_COMMAND], { env })).stdout.trim();
  try {
    await pollUntil(() => firstUse.redis(host, port));
    return performance.now() - t0;
  } finally {
    await execa('docker', ['rm', '-f', '-v', id], { env, reject: false });
  }
}
