/** Browser-side file plumbing: uploads go to the core as base64, downloads come back the same way. */
import type { EventPayload } from '../../../shared/api/contract';

/** A picked file as `{ name, dataBase64 }`, read with FileReader (fast for files of many megabytes). */
export function readUpload(file: File): Promise<{ name: string; dataBase64: string }> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(new Error(`无法读取文件「${file.name}」`));
    reader.onload = () => {
      const url = String(reader.result);
      resolve({ name: file.name, dataBase64: url.slice(url.indexOf(',') + 1) });
    };
    reader.readAsDataURL(file);
  });
}

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
