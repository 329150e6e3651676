/**
 * Whether this runs under CI, as CI services and tools set it: `CI` set, and not to an empty string,
 * `0` or `false` (a person who unsets it by `CI=false` means "not CI").
 */
export const underCI = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
