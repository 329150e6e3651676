import { presetNames, presetByName } from '../presets/index.js';

/**
 * docker compose's service keys, typed from habit (a team moving its compose file over), and where each goes
 * for this preset: "Unknown option "environment"" and a list of options left the mapping to the reader.
 */
const HINTS: Record<string, Partial<Record<string, string>> & { other?: string }> = {
  environment: {
    mysql: 'The image\'s MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD and MYSQL_ROOT_PASSWORD are database, user, password and rootPassword.',
    redis: 'A password is password; the server\'s flags are serverArgs.',
    custom: 'Variables are env: { "KEY": "value" }.',
    other: 'The preset sets what its image needs; for an image with variables of your own, give image and env (no preset).',
  },
  command: {
    mysql: 'The server\'s flags are serverArgs: ["--local-infile=1"].',
    redis: 'The server\'s flags are serverArgs: ["--appendonly", "yes"].',
    other: 'The preset runs its image\'s server; for a command of your own, give image and command (no preset).',
  },
  volumes: {
    httpd: 'The folder it serves is root.',
    mysql: 'Files for /docker-entrypoint-initdb.d are initScripts (files or a folder, run in order); the data lives and goes with the container.',
    redis: 'Files to load at start (.redis commands, an .rdb) are initScripts.',
    ubuntu: 'A folder of this machine is mount.',
    other: 'A custom service starts from its image alone.',
  },
  healthcheck: {
    custom: 'How to tell it is ready is ready: { http }, { tcp }, { log } or { command }.',
    other: 'sandpit waits until the service answers by itself; startupTimeout bounds the wait.',
  },
  container_name: { other: 'The service\'s name is its key under services.' },
  expose: { custom: 'Container ports to publish are ports: [8080].', other: 'The preset publishes its port; port picks the host\'s.' },
};
HINTS.env_file = HINTS.environment!;

/**
 * testcontainers' names for the same things (GenericContainer's withExposedPorts, MySqlContainer's withUsername…),
 * written as keys by a team porting its suite: "Unknown option "username"" named no counterpart.
 */
const TESTCONTAINERS: typeof HINTS = {
  exposedPorts: HINTS.expose!,
  username: { mysql: 'The app user is user (the root account is always there: rootPassword).' },
  userPassword: { mysql: "The app user's password is password." },
  waitStrategy: HINTS.healthcheck!,
  bindMounts: HINTS.volumes!,
  copyFilesToContainer: HINTS.volumes!,
  networkAliases: { other: 'Another container reaches the service at its internal address: service.internal.url (a network address and the service\'s own port).' },
};

/** Where compose's (or testcontainers') `key` goes for `preset` (a preset name or "custom"); undefined for a key neither has. */
export function composeHint(key: string, preset: string): string | undefined {
  const [hints, whose] = HINTS[key] ? [HINTS[key], "docker compose's"] : [TESTCONTAINERS[key], "testcontainers'"];
  const hint = hints?.[preset] ?? hints?.other;
  return hint && ` For ${whose} ${key}: ${hint[0]!.toLowerCase()}${hint.slice(1)}`;
}

/** `mysql:8.4` given as an image with no preset: the preset of that image, which knows it. */
export function presetOfImage(image: unknown): string | undefined {
  if (typeof image !== 'string') return undefined;
  const repository = image.replace(/[@:][^/]*$/, '').replace(/^(docker\.io\/)?(library\/)?/, '');
  return presetNames.find((name) => presetByName(name).image.split(':')[0] === repository);
}
