import { execa } from 'execa';
import getPort from 'get-port';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { MySqlContainer } from '@testcontainers/mysql';
import { start } from '../lib/index.js';
import { firstUse, pollUntil, type MysqlLogin } from './uses.js';
import { benchLabels } from './deadline.js';

export type Preset = 'redis' | 'httpd' | 'mysql' | 'ubuntu';

/** One start of a preset to its first real use; resolves with the ms it took, cleans up untimed. */
export type Starter = (preset: Preset) => Promise<number>;

export interface Setup {
  images: Record<Preset, string>;
  /** The account of images.mysql when it is a snapshot image (its environment's), not the bench's own. */
  mysqlLogin?: MysqlLogin;
  /** Folder with hello.txt, served by httpd. */
  site: string;
}

const MYSQL_ENV = { MYSQL_ROOT_PASSWORD: 'root-pw', MYSQL_DATABASE: 'app', MYSQL_USER: 'app', MYSQL_PASSWORD: 'app-pw' };
const REDIS_COMMAND = ['redis-server', '--protected-mode', 'no', '--save', ''];
// mysql prints its line twice on a first start: the temporary server (port: 0) that runs init, then the real one.
const READY_LINE = { redis: 'Ready to accept connections', httpd: /resuming normal operations/, mysql: /ready for connections.* port: 3306 / };

async function timed(work: () => Promise<void>, teardown: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  try {
    await work();
    return performance.now() - t0;
  } finally {
    await teardown();
  }
}

/**
 * `docker run -d --rm -p 127.0.0.1:P:…` then host-side polling every 10 ms until the first use
 * succeeds: the practical floor. `started` gets the id as soon as there is one, for the teardown.
 */
async function rawUp({ images, site, mysqlLogin }: Setup, preset: Preset, started: (id: string) => void): Promise<void> {
  const port = await getPort();
  const args: Record<Preset, string[]> = {
    redis: ['-p', `127.0.0.1:${port}:6379`, images.redis, ...REDIS_COMMAND],
    httpd: ['-p', `127.0.0.1:${port}:80`, '-v', `${site}:/usr/local/apache2/htdocs:ro`, images.httpd],
    mysql: ['-p', `127.0.0.1:${port}:3306`, ...Object.entries(MYSQL_ENV).flatMap(([k, v]) => ['-e', `${k}=${v}`]), images.mysql],
    ubuntu: ['--init', images.ubuntu, 'sleep', 'infinity'],
  };
  const labels = Object.entries(benchLabels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  const id = (await execa('docker', ['run', '-d', '--rm', ...labels, ...args[preset]])).stdout.trim();
  started(id);
  if (preset === 'ubuntu') await execa('docker', ['exec', id, 'echo', 'ok']);
  else if (preset === 'mysql') await pollUntil(() => firstUse.mysql('127.0.0.1', port, mysqlLogin));
  else await pollUntil(() => firstUse[preset]('127.0.0.1', port));
}

const removeAll = (ids: string[]) => (ids.length ? execa('docker', ['rm', '-f', '-v', ...ids], { reject: false }) : Promise.resolve());

export const raw = (s: Setup): Starter => async (preset) => {
  const ids: string[] = [];
  return timed(() => rawUp(s, preset, (id) => ids.push(id)), () => removeAll(ids));
};

/** The four raw starts at once, then one `docker rm -f` of all four: what the engine itself allows. */
export async function rawFour(s: Setup, presets: Preset[]): Promise<{ together: number; stop: number }> {
  const ids: string[] = [];
  try {
    const t0 = performance.now();
    await Promise.all(presets.map((preset) => rawUp(s, preset, (id) => ids.push(id))));
    const t1 = performance.now();
    await removeAll(ids.splice(0));
    return { together: t1 - t0, stop: performance.now() - t1 };
  } finally {
    await removeAll(ids);
  }
}

/** testcontainers' GenericContainer with its cheapest sound wait strategy per image (a log line). */
export const testcontainers = ({ images, site }: Setup): Starter => async (preset) => {
  let container: StartedTestContainer | undefined;
  return timed(
    async () => {
      if (preset === 'ubuntu') {
        container = await new GenericContainer(images.ubuntu).withLabels(benchLabels).withCommand(['sleep', 'infinity']).start();
        await container.exec(['echo', 'ok']);
        return;
      }
      const base = new GenericContainer(images[preset]).withLabels(benchLabels).withWaitStrategy(Wait.forLogMessage(READY_LINE[preset]));
      const port = { redis: 6379, httpd: 80, mysql: 3306 }[preset];
      const configured =
        preset === 'redis'
          ? base.withCommand(REDIS_COMMAND)
          : preset === 'httpd'
            ? base.withBindMounts([{ source: site, target: '/usr/local/apache2/htdocs', mode: 'ro' }])
            : base.withEnvironment(MYSQL_ENV);
      container = await configured.withExposedPorts(port).start();
      await firstUse[preset](container.getHost() === 'localhost' ? '127.0.0.1' : container.getHost(), container.getMappedPort(port));
    },
    () => container?.stop({ timeout: 0 }) ?? Promise.resolve(),
  );
};

/** testcontainers' own MySqlContainer module, with its default wait strategy. */
export const mysqlModule = ({ images }: Setup) => async (): Promise<number> => {
  let container: Awaited<ReturnType<MySqlContainer['start']>> | undefined;
  return timed(
    async () => {
      container = await new MySqlContainer(images.mysql)
        .withLabels(benchLabels)
        .withDatabase('app')
        .withUsername('app')
        .withUserPassword('app-pw')
        .withRootPassword('root-pw')
        .start();
      await firstUse.mysql('127.0.0.1', container.getPort());
    },
    () => container?.stop({ timeout: 0 }) ?? Promise.resolve(),
  );
};

/** sandpit's start(), then the same first use. */
export const sandpit = ({ site }: Setup): Starter => async (preset) => {
  let stop: () => Promise<void> = async () => {};
  return timed(
    async () => {
      if (preset === 'ubuntu') {
        const box = await start('ubuntu');
        stop = () => box.stop();
        await box.exec(['echo', 'ok']);
      } else if (preset === 'httpd') {
        const web = await start({ preset: 'httpd', root: site });
        stop = () => web.stop();
        await firstUse.httpd(web.host, web.port);
      } else if (preset === 'mysql') {
        const db = await start({ preset: 'mysql', database: 'app', user: 'app', password: 'app-pw' });
        stop = () => db.stop();
        await firstUse.mysql(db.host, db.port);
      } else {
        const redis = await start('redis');
        stop = () => redis.stop();
        await firstUse.redis(redis.host, redis.port);
      }
    },
    () => stop(),
  );
};
