import { randomBytes } from 'node:crypto';

/** URL-safe, so it can sit in a connection URL without escaping surprises. */
export const randomSecret = (): string => randomBytes(12).toString('base64url');
