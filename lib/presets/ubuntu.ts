import type { Preset } from '../preset.js';
import { existingFolder } from './files.js';

export interface UbuntuOptions {
  /** A local folder mounted read-write at /work. */
  mount?: string;
}

export const ubuntu: Preset<UbuntuOptions> = {
  name: 'ubuntu',
  summary: 'a throwaway shell box (exec commands in it)',
  image: 'ubuntu:24.04',
  // Stands in for ubuntu:24.04; it is Debian bookworm, with the same shell tools.
  offline: {
    dockerfile: `FROM {{base}}
RUN apt-get update && apt-get install -y --no-install-recommends bash coreutils procps \\
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
CMD ["bash"]
`,
  },
  keepsNoData: true,
  options: { mount: { type: 'string', describe: 'local folder to mount at /work' } },
  resolve: ({ mount }) => (mount === undefined ? {} : { mount: existingFolder('ubuntu', 'mount', mount) }),
  container: ({ mount }) => ({
    command: ['sleep', 'infinity'],
    // sleep ignores SIGTERM as PID 1; an init process makes stop instant instead of 10 s.
    init: true,
    mounts: mount ? [{ source: mount, target: '/work', readOnly: false }] : [],
    // exec(['make', 'test']) means: in the mounted folder.
    ...(mount ? { workingDir: '/work' } : {}),
  }),
  // Ready once its container runs: `sleep infinity` under an init does not fail, and the engine takes
  // an exec from the moment start returns. A trial exec would only make every start a round trip
  // (~40 ms) slower; a box whose command did die says why at its first exec (NOT_RUNNING, with logs).
  probe: async () => {},
  url: ({ host }) => `shell://${host}`,
};
