/** What the import history says about an import, as pure text (tests pin it). */
import type { ImportBatch } from '../../../../shared/api/methods/io';
import { countText } from '../../lib/format';

/** What undoing `b` does, in numbers: the clerk sees how much goes before confirming */
export function undoScope(b: ImportBatch): string {
  const sum = (k: 'added' | 'updated' | 'unitsAdded') => b.files.reduce((n, f) => n + f[k], 0);
  const units = sum('unitsAdded');
  const parts = [`删除新增的 ${countText(sum('added'))} 条记录${units ? `和导入时新建的 ${countText(units)} 个单位` : ''}`];
  if (sum('updated')) parts.push(`把更新过的 ${countText(sum('updated'))} 条记录恢复为导入前的内容`);
  return parts.join('，');
}
