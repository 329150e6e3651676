// Redis over ssh:// (the remote test engine, an sshd beside it): `sandpit up --detach` vs the Docker
// CLI's `docker run -d`, each a fresh process making its own ssh connections, then first use.
import { execa } from 'execa';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Row } from './row.js';
import { alternate, ratio } from './stats.js';
import { dockerRunRedis } from './remote-raw.js';
import { firstUse } from './uses.js';
import { benchFolder } from './temp.js';

export async function sshCase(root: string, uri: string, image: string, runs: number, log: (line: string) => void): Promise<Row[]> {
  if (!existsSync('/usr/sbin/sshd')) {
    log('remote: ssh skipped (no sshd; scripts/test-tools.sh installs it)');
    return [];
  }
  const script = path.join(root, 'test/helpers/remote-sshd.sh');
  const cli = path.join(root, 'dist/cli/main.js');
  const dir = benchFolder('ssh-');
  try {
    const alias = (await execa('bash', [script, 'up', dir, uri])).stdout.trim();
    const host = new URL(uri).hostname;
    const env = { ...process.env, DOCKER_HOST: `ssh://${alias}`, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` };
    log(`remote: redis over ssh, CLI up → first use, ${runs} runs each`);
    const [sandpit, docker] = await alternate(
      runs,
      async () => {
        const t0 = performance.now();
        const { stdout } = await execa('node', [cli, 'up', 'redis', '--detach', '--json', '--name', 'bench-ssh'], { env });
        try {
          const [service] = JSON.parse(stdout) as { host: string; port: number }[];
          await firstUse.redis(service!.host, service!.port);
          return performance.now() - t0;
        } finally {
          await execa('node', [cli, 'down', 'bench-ssh'], { env, reject: false });
        }
      },
      () => dockerRunRedis(image, host, env),
    );
    return [
      {
        case: 'redis over ssh:// (CLI): up --detach → first use',
        sandpit,
        raw: docker,
        ratios: { 'sandpit÷docker CLI': ratio(sandpit.median, docker.median) },
        target: '≤ 1.5× the Docker CLI',
      },
    ];
  } finally {
    await execa('bash', [script, 'down', dir], { reject: false });
    rmSync(dir, { recursive: true, force: true });
  }
}
