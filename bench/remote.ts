// Redis on a remote engine (tcp://, another network namespace): sandpit vs raw `docker -H` against the same engine.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Row } from './row.js';
import { measure, ratio, summarise } from './stats.js';
import { dockerRunRedis } from './remote-raw.js';
import { sshCase } from './remote-ssh.js';

export async function remoteCases(root: string, image: string, runs: number, log: (line: string) => void): Promise<Row[]> {
  if (process.getuid?.() !== 0 || !existsSync('/usr/sbin/dockerd')) {
    log('remote: skipped (a second engine needs root and dockerd)');
    return [];
  }
  const script = path.join(root, 'test/helpers/remote-engine.sh');
  log('remote: bringing up a second engine in its own namespaces');
  const uri = (await execa('bash', [script, 'up'])).stdout.trim();
  try {
    await execa('bash', ['-c', `docker save ${image} | docker -H ${uri} load -q`]);
    const host = new URL(uri).hostname;
    const env = { ...process.env, DOCKER_HOST: uri };
    log(`remote: redis start → first use, ${runs} runs each`);
    const raw = await measure(runs, () => dockerRunRedis(image, host, env));
    // In a child: the library settles its engine once per process, and this one talks to the local engine.
    const child = `
      import { start } from ${JSON.stringify(path.join(root, 'dist/lib/index.js'))};
      import { firstUse } from ${JSON.stringify(path.join(root, 'dist/bench/uses.js'))};
      const times = [];
      for (let i = 0; i <= ${runs}; i++) {
        await new Promise((r) => setTimeout(r, 300));
        const t0 = performance.now();
        const redis = await start('redis');
        await firstUse.redis(redis.host, redis.port);
        const ms = performance.now() - t0;
        await redis.stop();
        if (i > 0) times.push(ms);
      }
      console.log(JSON.stringify(times));`;
    const { stdout } = await execa('node', ['--input-type=module', '-e', child], { env });
    const sandpit = summarise(JSON.parse(stdout.trim().split('\n').at(-1)!) as number[]);
    return [
      {
        case: 'redis on a remote engine (tcp): start → first use',
        sandpit,
        raw,
        ratios: { 'sandpit÷raw': ratio(sandpit.median, raw.median) },
        target: '≤ 1.05× raw',
      },
      ...(await sshCase(root, uri, image, runs, log)),
    ];
  } finally {
    await execa('bash', [script, 'down'], { reject: false });
  }
}
