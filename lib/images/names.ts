/** Read at call time, so tests can build into a namespace of their own. */
export const imagePrefix = (): string => process.env.SANDPIT_IMAGE_PREFIX || 'sandpit-offline';

/** The Debian suite offline images build on unless they name another. */
export const DEFAULT_SUITE = 'bookworm';

export const baseTag = (suite: string = DEFAULT_SUITE): string => `${imagePrefix()}/base:${suite}`;

/** Inside an offline image: what server it holds, e.g. "redis 8.0.2 (Debian trixie)". */
export const SERVER_FILE = '/etc/sandpit-server';
