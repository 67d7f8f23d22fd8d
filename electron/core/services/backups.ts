/**
 * The backups screen's data: every backup of the open census file with its time, size, whether it
 * is sound and what it holds. Backups never change once written, so what was read from one is kept
 * (keyed by name, size and mtime) and a second visit to the screen reads nothing again.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BackupEntry } from '../../../shared/api/methods/workspace';
import { BACKUP_BUDGET_BYTES, backupSpaceProblem, inspectBackupFile, listBackups, type BackupInspection } from '../db';

const inspected = new Map<string, { key: string; info: BackupInspection }>();

function inspectCached(file: string): { size: number; info: BackupInspection } {
  const st = statSync(file);
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = inspected.get(file);
  if (hit && hit.key === key) return { size: st.size, info: hit.info };
  const info = inspectBackupFile(file);
  inspected.set(file, { key, info });
  return { size: st.size, info };
}

export function describeBackup(dir: string, name: string, at: Date): BackupEntry {
  const { size, info } = inspectCached(join(dir, name));
  return { name, at: at.toISOString(), size, ok: info.ok, problem: info.problem, persons: info.persons, units: info.units, areaName: info.areaName };
}

export interface BackupsView {
  dir: string;
  backups: BackupEntry[];
  newestGood: string | null;
  totalBytes: number;
  budgetBytes: number;
  paused: string | null;
}

/**
 * Newest first, with the newest sound one named (what the damaged-file screen offers). `censusBytes`: the open
 * census's size, to say whether the disk has room for its next backup (null: no census open).
 */
export function describeBackups(dir: string, stem: string, censusBytes: number | null = null): BackupsView {
  const backups = listBackups(dir, stem).flatMap((b) => {
    try {
      return [describeBackup(dir, b.name, b.at)];
    } catch {
      return []; // removed by retention while we were reading
    }
  });
  return {
    dir,
    backups,
    newestGood: backups.find((b) => b.ok)?.name ?? null,
    totalBytes: backups.reduce((n, b) => n + b.size, 0),
    budgetBytes: BACKUP_BUDGET_BYTES,
    paused: censusBytes === null ? null : backupSpaceProblem(dir, censusBytes),
  };
}
