/**
 * Private scratch folders in the system's temp folder. What goes in them holds personal data — a package's records
 * while it is written, a copy of last period's census, files waiting to be saved — and a run that ends mid-way (the
 * app closed during a province's export, a crash) never reaches its own clean-up. So each folder is named after the
 * process that made it, and the next start sweeps those whose process is gone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leftByEndedProcesses } from './process';

export type ScratchKind = 'downloads' | 'pkg' | 'previous' | 'cli';

const KINDS: readonly ScratchKind[] = ['downloads', 'pkg', 'previous', 'cli'];
/** Names earlier versions gave such folders, without a process id: any found was left by an ended run */
const UNNAMED = ['hc-previous-'];

const prefixOf = (kind: ScratchKind) => `headcount-${kind}-`;

/** A new folder only this user can read (mkdtemp makes it 0700), named after this process */
export function scratchDir(kind: ScratchKind, dir = tmpdir()): string {
  return mkdtempSync(join(dir, `${prefixOf(kind)}${process.pid}-`));
}

/** Deletes the scratch folders that processes no longer running left in `dir`; returns their names */
export function removeStaleScratch(dir = tmpdir()): string[] {
  const stale = [...KINDS.map(prefixOf), ...UNNAMED].flatMap((prefix) => leftByEndedProcesses(dir, prefix));
  return stale.filter((n) => {
    try {
      rmSync(join(dir, n), { recursive: true, force: true });
      return true;
    } catch {
      return false; // another user's folder, or in use: not ours to insist on
    }
  });
}
