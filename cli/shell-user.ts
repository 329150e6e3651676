import { statSync } from 'node:fs';
import type { Service } from '../lib/types.js';
import { SandpitError } from '../lib/errors.js';
import { ENSURE_USER } from '../lib/presets/passwd.js';

// Larger ids the engine wraps (4294967296 runs as root); 4294967295 is (uid_t)-1, "no user".
const MAX_ID = 4294967294;

/**
 * Who the throwaway shell runs as: the owner of the mounted folder, so files it creates there
 * belong to you and not to root. The image may lack that uid (Debian has none at 1000) or have it
 * under another name (ubuntu:24.04's `ubuntu` is 1000): lib/presets/passwd.ts adds one when needed.
 */
export function shellOwner(folder: string | undefined, asked: string | undefined): { uid: number; gid: number } | undefined {
  if (asked === 'root' || asked === '0') return undefined;
  if (asked !== undefined) {
    const match = /^(\d+)(?::(\d+))?$/.exec(asked);
    if (!match) throw new SandpitError('INVALID_OPTION', `Invalid --user "${asked}". Give root, or a uid[:gid] such as 1000:1000.`, { option: 'user' });
    const uid = Number(match[1]);
    const gid = Number(match[2] ?? match[1]);
    if (uid > MAX_ID || gid > MAX_ID) {
      throw new SandpitError('INVALID_OPTION', `Invalid --user "${asked}". Give root, or a uid[:gid] with each in 0-${MAX_ID}, such as 1000:1000.`, { option: 'user' });
    }
    return { uid, gid };
  }
  // A missing folder is the ubuntu preset's to report, with its usual message.
  const owner = folder ? statSync(folder, { throwIfNoEntry: false }) : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  return !owner || owner.uid === 0 ? undefined : { uid: owner.uid, gid: owner.gid };
}

/** Makes `uid` a named user with a home in the box (as root, before the shell starts). */
export async function ensureUser(box: Service, { uid, gid }: { uid: number; gid: number }): Promise<void> {
  const result = await box.exec(['sh', '-c', ENSURE_USER, 'sh', String(uid), String(gid)]);
  if (result.exitCode !== 0) {
    throw new SandpitError(
      'NOT_READY',
      `shell: could not add a user for uid ${uid} in the box (${(result.stderr || result.stdout).trim() || `exit ${result.exitCode}`}). Use --user root.`,
      { service: box.name },
    );
  }
}
