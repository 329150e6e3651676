import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { docker } from '../docker/client.js';
import { SandpitError, describe } from '../errors.js';
import { buildOnce } from './once.js';
import { DEFAULT_SUITE, baseTag } from './names.js';

/**
 * A minimal Debian of one suite (bookworm, trixie, sid…) made by debootstrap and imported through the
 * Docker API: the bases offline images build on, since no registry may be reachable to pull one.
 * One per suite, built once.
 */
export function ensureBaseImage(suite: string = DEFAULT_SUITE, onProgress: (line: string) => void = () => {}): Promise<string> {
  const tag = baseTag(suite);
  return buildOnce(tag, onProgress, async () => {
    await checkCanDebootstrap();
    return debootstrap(suite, tag, onProgress);
  });
}

async function debootstrap(suite: string, tag: string, onProgress: (line: string) => void): Promise<string> {
  // execa costs ~85 ms to import, and every start loads this module; only a build needs it.
  const { execa } = await import('execa');
  const mirror = process.env.SANDPIT_DEBIAN_MIRROR || 'http://deb.debian.org/debian';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sandpit-rootfs-'));
  try {
    onProgress(`building ${tag} with debootstrap from ${mirror} (about 30 s, once)`);
    await execa('debootstrap', ['--variant=minbase', suite, dir, mirror], { all: true }).catch((cause: unknown) => {
      const logs = (cause as { all?: string }).all?.trim().split('\n').slice(-10).join('\n');
      throw new SandpitError(
        'IMAGE_UNAVAILABLE',
        `debootstrap of Debian ${suite} from ${mirror} failed: is the mirror reachable? (SANDPIT_DEBIAN_MIRROR sets another)`,
        { cause, stage: 'build', logs },
      );
    });
    // Downloaded packages and package lists would only make every image bigger.
    await execa('sh', ['-c', 'rm -rf var/cache/apt/archives/*.deb var/lib/apt/lists/*'], { cwd: dir });
    // Rolling suites (sid) sign their package index for one week only: a mirror snapshot or a slow
    // mirror older than that would make every later apt-get refuse it. Packages stay signature-checked.
    await writeFile(path.join(dir, 'etc/apt/apt.conf.d/99sandpit-valid-until'), 'Acquire::Check-Valid-Until "false";\n');
    await importRootfs(dir, tag);
    onProgress(`built ${tag}`);
    return tag;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function checkCanDebootstrap(): Promise<void> {
  const { execa } = await import('execa');
  const fix = 'or make the official images available (docker pull, or docker load on an offline machine)';
  const found = await execa('debootstrap', ['--version'], { reject: false });
  if (found.code === 'ENOENT') {
    const message = `Cannot build the offline base image: debootstrap is not installed; install it (apt-get install debootstrap) ${fix}.`;
    throw new SandpitError('IMAGE_UNAVAILABLE', message, { stage: 'build' });
  }
  if (process.getuid?.() !== 0) {
    const message = `Cannot build the offline base image: debootstrap needs root; run \`sudo sandpit images build\` once, ${fix}.`;
    throw new SandpitError('IMAGE_UNAVAILABLE', message, { stage: 'build' });
  }
}

async function importRootfs(dir: string, tag: string): Promise<void> {
  const { execa } = await import('execa');
  const dockerode = (await docker()).container.dockerode;
  const tar = execa('tar', ['-C', dir, '-c', '.'], { buffer: { stdout: false } });
  const [repo, version] = tag.split(':') as [string, string];
  try {
    const stream = await dockerode.importImage(tar.stdout, {
      repo,
      tag: version,
      changes: ['LABEL sandpit.image=base', 'CMD ["bash"]'],
    } as object);
    const failure = await new Promise<string | undefined>((resolve) =>
      dockerode.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) =>
        resolve(error ? describe(error) : output.find((event) => event.error)?.error),
      ),
    );
    await tar;
    if (failure !== undefined) throw new Error(failure);
  } catch (cause) {
    tar.kill();
    await tar.catch(() => {});
    // A cut-short tar still imports; a half image under the tag would pass for the base next time.
    await dockerode.getImage(tag).remove().catch(() => {});
    const message = `Importing the debootstrapped Debian as ${tag} failed: ${describe(cause)}.`;
    throw new SandpitError('IMAGE_UNAVAILABLE', message, { cause, stage: 'build' });
  }
}
