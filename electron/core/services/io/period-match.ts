/**
 * Township returns in a census started from the last one (issue 13). Persons are matched by ID number
 * like in any import (plan.ts); on top of that:
 * - a carried person found in a return is there this period: 待确认 becomes 留任 unless the return
 *   says otherwise in its 变动情况 column;
 * - a sheet that has only 证件号码, 姓名 and 变动情况 (a list of who left, or who stays) marks those
 *   people and changes nothing else: its rows change only 变动情况, and a row whose ID number is not
 *   in this census is held (not added as an empty person).
 * Kept apart from the planner so the import's speed work and this rule do not step on each other.
 */
import { CHANGE_PENDING, CHANGE_STAYED } from '../../../../shared/census/change';
import type { RecordData } from '../../../../shared/census/schema';
import type { PlannedRow } from './plan';
import type { StagedFile } from './parse';

/** Columns a marking sheet may have besides 变动情况 */
const MARKING_COLUMNS = new Set(['idNumber', 'name', 'idType', 'change']);

/** Sheets (file + sheet name) whose person columns are only the marking ones */
export function markingSheets(files: readonly StagedFile[]): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    for (const s of f.sheets) {
      if (s.table !== 'person') continue;
      const mapped = s.columns.flatMap((c) => (c.field ? [c.field] : []));
      if (mapped.includes('change') && mapped.includes('idNumber') && mapped.every((k) => MARKING_COLUMNS.has(k))) out.add(`${f.name}\u0000${s.name ?? ''}`);
    }
  }
  return out;
}

const blank = (v: RecordData[string] | undefined) => v == null || v === '';

/** Applies the rules above to the planned person rows, in place */
export function matchToLastPeriod(rows: PlannedRow[], files: readonly StagedFile[], continuing: boolean): void {
  const marking = markingSheets(files);
  for (const p of rows) {
    if (p.table !== 'person' || p.action === 'held') continue;
    if (marking.has(`${p.file}\u0000${p.staged.sheet ?? ''}`)) {
      if (!p.before) {
        p.action = 'held';
        continue;
      }
      // Only 变动情况 moves; the name as the county has it stays.
      p.data = { ...p.before.data, change: blank(p.data.change) ? p.before.data.change! : p.data.change! };
      p.derived = [];
      p.action = 'update';
      continue;
    }
    if (continuing && p.before && p.before.data.change === CHANGE_PENDING && (blank(p.data.change) || p.data.change === CHANGE_PENDING)) {
      p.data = { ...p.data, change: CHANGE_STAYED };
      if (p.action === 'unchanged') p.action = 'update';
    }
  }
}
