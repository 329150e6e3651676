/** Read at call time, so tests can build into a namespace of their own. */
export const imagePrefix = (): string => process.env.SANDPIT_IMAGE_PREFIX || 'sandpit-offline';

export const baseTag = (): string => `${imagePrefix()}/base:bookworm`;
