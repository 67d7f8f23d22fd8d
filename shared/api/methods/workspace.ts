/**
 * The census file itself: which file is open (or why none is), opening another, and its backups.
 * These methods answer even when the database cannot be opened (damaged, locked by another computer,
 * missing), because they are how the user gets out of that state.
 */
import { z } from 'zod';
import { method } from '../common';

export const lockHolderView = z.object({
  host: z.string(),
  user: z.string(),
  since: z.string(),
  heartbeat: z.string(),
  sameHost: z.boolean(),
  probablyStale: z.boolean(),
});

export const workspaceStatusSchema = z.object({
  /** open: working normally; the others: no database is open, and `message` says why */
  state: z.enum(['open', 'damaged', 'locked', 'missing']),
  dbPath: z.string(),
  backupsDir: z.string(),
  dataDir: z.string(),
  /** The census file of this data folder (census.sqlite), the way back from another file */
  defaultDbPath: z.string(),
  /** Data beside the program (USB stick), see electron/core/workspace/portable.ts */
  portable: z.boolean(),
  message: z.string().nullable(),
  lock: lockHolderView.nullable(),
  /** Census files opened before, newest first (not including the current one) */
  recent: z.array(z.string()),
  /** The host can show a native file dialog (Electron); the browser face types a path instead */
  canPickFile: z.boolean(),
});
export type WorkspaceStatus = z.infer<typeof workspaceStatusSchema>;

export const backupEntrySchema = z.object({
  name: z.string(),
  /** When it was taken (ISO, from the file name: the clerk's local time) */
  at: z.string(),
  size: z.number().int(),
  ok: z.boolean(),
  problem: z.string().nullable(),
  persons: z.number().int().nullable(),
  units: z.number().int().nullable(),
  areaName: z.string().nullable(),
});
export type BackupEntry = z.infer<typeof backupEntrySchema>;

const backupName = z.string().regex(/^[^/\\]+\.sqlite$/, '备份文件名无效');
const dbPath = z.string().trim().min(1, '请填写数据库文件的位置').max(1000);

export const workspaceMethods = {
  'workspace.status': method(z.object({}), workspaceStatusSchema),
  /** Opens another census file (`create`: a new, empty one at that path) */
  'workspace.open': method(z.object({ path: dbPath, create: z.boolean().default(false) }), workspaceStatusSchema),
  /** Opens the current file although another computer holds its lock (the user confirmed) */
  'workspace.forceOpen': method(z.object({}), workspaceStatusSchema),
  /** A native file dialog where the host has one; `path` null when cancelled or unsupported */
  'workspace.pickFile': method(z.object({ mode: z.enum(['open', 'create']).default('open') }), z.object({ path: z.string().nullable() })),
  'backups.list': method(
    z.object({}),
    z.object({
      dir: z.string(),
      backups: z.array(backupEntrySchema),
      newestGood: z.string().nullable(),
      /** What the backups take together, and what retention lets them take (the newest is kept beyond it) */
      totalBytes: z.number().int(),
      budgetBytes: z.number().int(),
      /** Why no backup can be taken now (too little disk space), or null */
      paused: z.string().nullable(),
    }),
  ),
  'backups.create': method(z.object({}), backupEntrySchema),
  /** Replaces the census file with a backup; the current file is kept as a backup first */
  'backups.restore': method(
    z.object({ name: backupName }),
    z.object({ restored: z.string(), keptAs: z.string().nullable(), status: workspaceStatusSchema }),
  ),
} as const;
