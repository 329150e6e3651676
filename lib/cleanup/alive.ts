import { realpathSync } from 'node:fs';

/** Whether process `pid` runs on this machine (EPERM: it exists, owned by someone else). */
export function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether process `pid` (of this machine) runs in this folder, as this one does: its service is this project's. */
export function runsInThisFolder(pid: number): boolean {
  if (process.env.SANDPIT_PROJECT) return false; // a project by name: folders say nothing
  try {
    return realpathSync(`/proc/${pid}/cwd`) === realpathSync(process.cwd());
  } catch {
    return false; // gone, another user's, or no /proc
  }
}
