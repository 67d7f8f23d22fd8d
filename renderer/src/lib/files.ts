/**
 * Browser-side file plumbing: downloads (a file the core produced comes back as base64 in the reply)
 * and task progress. Picked files go up with api/client.ts `upload`.
 */
import type { EventPayload } from '../../../shared/api/contract';

const MIME: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv;charset=utf-8',
};

/** Saves a file the core produced through the browser's download (a Blob link). */
export function saveDownload(file: { fileName: string; dataBase64: string }): void {
  const bytes = Uint8Array.from(atob(file.dataBase64), (ch) => ch.charCodeAt(0));
  const ext = file.fileName.split('.').pop() ?? '';
  const url = URL.createObjectURL(new Blob([bytes], { type: MIME[ext] ?? 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export type Progress = EventPayload<'progress'>;

export function newTaskId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
