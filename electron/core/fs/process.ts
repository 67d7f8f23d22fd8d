import { readdirSync } from 'node:fs';

/** Whether a process of this computer is running (a lock's or a scratch file's owner) */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Names in `dir` that start with `prefix` followed by the id of a process no longer running (then `-`
 * and anything): scratch files and folders a crashed run left behind. None when `dir` cannot be read.
 */
export function leftByEndedProcesses(dir: string, prefix: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => {
    if (!n.startsWith(prefix)) return false;
    const pid = Number(n.slice(prefix.length).split('-')[0]);
    return !(Number.isInteger(pid) && pid > 0 && processAlive(pid));
  });
}
