/**
 * Why an audit entry was written without a person typing it, in words: the note the core stores
 * beside derived values, values set for a whole file in the import preview, undone imports and
 * persons linked to a unit by its name.
 */
import { fieldsOf, type TableName } from '../../../shared/census/dictionary';

export function historyNoteText(table: TableName, note: string | null | undefined): string | null {
  if (!note) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(note);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object') return null;
  const n = parsed as { derivedFrom?: unknown; fill?: unknown; undoImport?: unknown; unitLinked?: unknown };
  if (typeof n.derivedFrom === 'string') {
    if (n.derivedFrom === 'persons') return '导入时由该单位人员的填报推导';
    const label = fieldsOf[table].find((f) => f.key === n.derivedFrom)?.label ?? n.derivedFrom;
    return `导入时由「${label}」推导`;
  }
  if (n.fill === true) return '导入时为整个文件统一填写';
  if (typeof n.undoImport === 'string') return '撤销导入';
  if (typeof n.unitLinked === 'string') return `按单位名称「${n.unitLinked}」关联到已登记的单位`;
  return null;
}
