// Docker's reference grammar (distribution/reference), closely enough to refuse what the engine
// would answer with an HTTP error ("Request path contains unescaped characters").
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d+)?|\\[[0-9a-fA-F:]+\\](?::\\d+)?)';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::\\w[\\w.-]{0,127})?(?:@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,})?$`);

/** True for what `docker pull` could take: `redis:7.4`, `ghcr.io/org/app:1`, `localhost:5000/x@sha256:…`. */
export const isImageReference = (value: string): boolean => value.length <= 255 && REFERENCE.test(value);
