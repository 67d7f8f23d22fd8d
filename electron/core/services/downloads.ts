/**
 * Files the core built for the UI to save, kept on disk until fetched (`files.download`, the bridge's
 * download route): a province's microdata runs to hundreds of megabytes, which neither sits well in
 * memory between two calls nor travels as base64 in a JSON reply.
 *
 * They hold personal data, so they live no longer than needed: in a private folder (mkdtemp, owner
 * only) named after this process, deleted once fetched, when newer ones push them out, and with the
 * core; a folder a crashed process left behind is swept at the next start (fs/scratch.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import type { FileRef } from '../../../shared/api/methods/io';
import { scratchDir } from '../fs/scratch';
import type { ServiceContext } from './context';
import { defineSlot } from './state';

/** Files kept at once, unfetched: a clerk exporting one table after another never needs more */
export const KEPT_DOWNLOADS = 4;

interface Kept {
  name: string;
  file: string;
}

const DOWNLOADS = defineSlot(
  'downloads',
  () => ({ dir: null as string | null, byId: new Map<string, Kept>() }),
  (d) => {
    if (d.dir) rmSync(d.dir, { recursive: true, force: true });
  },
);

function forget(kept: Kept): void {
  rmSync(path.dirname(kept.file), { recursive: true, force: true });
}

/**
 * Runs `write(file)` on a fresh file named `fileName` in the core's private download folder and keeps
 * the result for the UI; a failed write leaves nothing behind.
 */
export async function buildDownload<T>(
  ctx: ServiceContext, fileName: string, write: (file: string) => Promise<T>,
  /** The name to save it under when only the write can tell (a package's sequence number) */
  nameOf?: (result: T) => string,
): Promise<{ ref: FileRef; result: T }> {
  const d = ctx.state.get(DOWNLOADS);
  d.dir ??= scratchDir('downloads');
  const downloadId = randomUUID();
  // A folder per file: the file keeps the name the user will see, and two exports of one name never meet
  const file = path.join(d.dir, downloadId, fileName);
  const kept = { name: fileName, file };
  let result: T;
  try {
    mkdirSync(path.dirname(file));
    result = await write(file);
  } catch (e) {
    forget(kept);
    throw e;
  }
  if (nameOf) kept.name = nameOf(result);
  d.byId.set(downloadId, kept);
  for (const [id, k] of d.byId) {
    if (d.byId.size <= KEPT_DOWNLOADS) break;
    d.byId.delete(id);
    forget(k);
  }
  return { ref: { fileName: kept.name, downloadId, size: statSync(file).size }, result };
}

/** The private folder the kept files are in (null before the first) */
export function downloadsDir(ctx: ServiceContext): string | null {
  return ctx.state.get(DOWNLOADS).dir;
}

/** A kept file's name and bytes, handed over once: the file is deleted as it is read */
export function takeDownload(ctx: ServiceContext, downloadId: string): { name: string; data: Buffer } {
  const d = ctx.state.get(DOWNLOADS);
  const kept = d.byId.get(downloadId);
  if (!kept) throw new ApiError('not_found', '要保存的文件已不在（已经保存过，或之后又导出了多个文件，或程序已重新启动），请重新导出', { reason: 'download_gone' });
  d.byId.delete(downloadId);
  try {
    return { name: kept.name, data: readFileSync(kept.file) };
  } finally {
    forget(kept);
  }
}
