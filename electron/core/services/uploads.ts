/**
 * Files the UI sent ahead of the calls that use them (`files.upload`): raw bytes on their own route,
 * so a province's hundred county packages (~90 MB) or two census-size spreadsheets never travel as
 * one base64 JSON call, which the bridge caps at 50 MB. A preview and the commit or merge after it
 * name the same upload, so it is kept until newer uploads push it out.
 */
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../shared/api/errors';
import type { Upload as FileInput } from '../../../shared/api/methods/io';
import type { ServiceContext } from './context';
import { defineSlot } from './state';

/** Uploads kept at most, in bytes; the oldest go first (a clerk re-picking files all day stays bounded) */
export const KEPT_UPLOAD_BYTES = 1536 * 1024 * 1024;

interface Upload {
  name: string;
  data: Buffer;
}

const UPLOADS = defineSlot('uploads', () => ({ byId: new Map<string, Upload>(), bytes: 0 }));

export function putUpload(ctx: ServiceContext, name: string, data: Uint8Array, keep = KEPT_UPLOAD_BYTES): { uploadId: string; size: number } {
  const kept = ctx.state.get(UPLOADS);
  // A view, not a copy: the bridge's body and Electron's clone are ours already.
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const uploadId = randomUUID();
  kept.byId.set(uploadId, { name, data: buf });
  kept.bytes += buf.length;
  for (const [id, u] of kept.byId) {
    if (kept.bytes <= keep || id === uploadId) break;
    kept.byId.delete(id);
    kept.bytes -= u.data.length;
  }
  return { uploadId, size: buf.length };
}

/** A file input's bytes: its upload, or its inline base64 (the schemas admit exactly one of the two) */
export function bytesOf(ctx: ServiceContext, f: FileInput): Buffer {
  if (f.uploadId === undefined) return Buffer.from(f.dataBase64 ?? '', 'base64');
  const u = ctx.state.get(UPLOADS).byId.get(f.uploadId);
  if (!u) throw new ApiError('not_found', `文件「${f.name}」已不在内存中（选择的文件过多或过久），请重新选择文件`, { reason: 'upload_gone' });
  return u.data;
}

/**
 * Lets go of the uploads a finished step used: after a merge the page starts again from new files,
 * and a province's packages (hundreds of MB) would otherwise stay in memory until newer uploads push
 * them out. Files given inline are not kept, so there is nothing to drop for them.
 */
export function releaseUploads(ctx: ServiceContext, files: readonly FileInput[]): void {
  const kept = ctx.state.get(UPLOADS);
  for (const f of files) {
    const u = f.uploadId === undefined ? undefined : kept.byId.get(f.uploadId);
    if (!u) continue;
    kept.byId.delete(f.uploadId!);
    kept.bytes -= u.data.length;
  }
}
