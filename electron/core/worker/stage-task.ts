/**
 * Worker side of a stage file (db/stage-file.ts), run by the import's reading worker (sheets-task.ts)
 * once the files are read: the same thread, so a census-size import holds one worker's heap rather
 * than two. Takes the rows the importing thread sends and writes them, so binding them costs this
 * thread, not that one; acknowledges each batch, answers `stage-finish` with the row count, and any
 * failure with an error (the importing thread then writes the rows itself).
 */
// The stage file module alone (not db/index.ts): this thread needs the driver, not the census's repositories.
import { createStageFile, type StageFile } from '../db/stage-file';
import { toWire } from './host';
import type { StageMessage, StageRequest } from './stage';

let file: StageFile | null = null;
let failed = false;

export function handleStage(m: StageRequest, post: (m: StageMessage) => void): void {
  if (m.type === 'stage-open') {
    file = null;
    failed = false;
  }
  if (failed) return;
  try {
    if (m.type === 'stage-open') file = createStageFile(m.path, m.columns);
    else if (m.type === 'stage-rows') {
      file!.insert(m.rows);
      post({ type: 'stage-taken' });
    } else {
      const rows = file!.finish();
      file = null;
      post({ type: 'stage-done', rows });
    }
  } catch (e) {
    failed = true;
    try {
      file?.remove();
    } catch {
      // the error below is what matters
    }
    file = null;
    post({ type: 'stage-error', error: toWire(e) });
  }
}
