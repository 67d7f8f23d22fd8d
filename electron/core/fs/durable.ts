/** Durability helpers for files written under a temporary name and renamed into place. */
import { closeSync, fsyncSync, openSync } from 'node:fs';

/**
 * Flushes a file, or a directory (which makes a rename in it durable), to disk. Best effort:
 * directories cannot be opened this way on Windows, where NTFS journals the rename anyway.
 */
export function fsyncPath(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}
