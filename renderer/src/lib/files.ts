/**
 * Browser-side file plumbing: downloads (a small file the core produced comes back as base64 in the
 * reply, a large one is kept by the core and fetched by id) and task progress. Picked files go up with
 * api/client.ts `upload`.
 */
import type { EventPayload } from '../../../shared/api/contract';
import type { FileRef } from '../../../shared/api/methods/io';
import { download } from '../api/client';

const MIME: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv;charset=utf-8',
};

/** Hands bytes to the browser's download (a Blob link) under `fileName`. */
function saveBlob(fileName: string, blob: Blob): void {
  const ext = fileName.split('.').pop() ?? '';
  const url = URL.createObjectURL(new Blob([blob], { type: MIME[ext] ?? 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves a file the core produced and sent back as base64 (the small ones: templates, tables, feedback). */
export function saveDownload(file: { fileName: string; dataBase64: string }): void {
  const text = atob(file.dataBase64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  saveBlob(file.fileName, new Blob([bytes]));
}

/** Saves a file the core kept for us (microdata, up to hundreds of megabytes): fetched as bytes, never as text. */
export async function saveKept(ref: FileRef): Promise<void> {
  saveBlob(ref.fileName, await download(ref));
}

export type Progress = EventPayload<'progress'>;

export function newTaskId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
