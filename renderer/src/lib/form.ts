/** The generic record form's data rules: grouping, typed values from inputs, fields derived from the ID number. */
import { idInfo } from '../../../shared/census/checks';
import { fieldsOf, type FieldDef, type FieldGroup, type TableName } from '../../../shared/census/dictionary';
import { emptyRecord, type FieldValue, type RecordData } from '../../../shared/census/schema';
import type { Issue } from '../../../shared/census/issues';

const GROUP_ORDER: readonly FieldGroup[] = ['基本信息', '学历与资格', '单位与岗位', '服务与培训'];

export function fieldGroups(table: TableName): { group: FieldGroup; fields: FieldDef[] }[] {
  return GROUP_ORDER.map((group) => ({ group, fields: fieldsOf[table].filter((f) => f.group === group && !f.carried) })).filter(
    (g) => g.fields.length > 0,
  );
}

/** A full record (every dictionary key present), as the validate method requires. */
export function completeRecord(table: TableName, data: Partial<RecordData> | null | undefined): RecordData {
  const out = emptyRecord(table);
  if (data) for (const f of fieldsOf[table]) if (data[f.key] !== undefined) out[f.key] = data[f.key]!;
  return out;
}

/** Text inputs store null for empty so "not filled in" is one thing everywhere. */
export function textValue(f: FieldDef, raw: string): FieldValue {
  const upper = f.type === 'idNumber' || f.type === 'creditCode';
  const s = upper ? raw.trim().toUpperCase() : raw;
  return s.trim() === '' ? null : s;
}

/** Numeric inputs: an integer, null when empty, or undefined when the text is not a whole number. */
export function integerValue(raw: string): number | null | undefined {
  const s = raw.trim();
  if (s === '') return null;
  if (!/^-?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function booleanValue(raw: string): boolean | null {
  return raw === 'true' ? true : raw === 'false' ? false : null;
}

/**
 * Sets one field and fills the fields derived from it (sex and birth date from a valid ID number).
 * Returns the keys that were filled in, so the form can mark them.
 */
export function setField(table: TableName, data: RecordData, key: string, value: FieldValue): { data: RecordData; derived: string[] } {
  const next: RecordData = { ...data, [key]: value };
  const derived: string[] = [];
  const source = fieldsOf[table].find((f) => f.key === key);
  if (source?.type === 'idNumber' && typeof value === 'string') {
    const info = idInfo(value);
    if (info) {
      for (const f of fieldsOf[table]) {
        if (f.derivedFrom !== key) continue;
        const v = f.type === 'date' ? info.birthDate : f.codeList === 'sex' ? info.sex : undefined;
        if (v !== undefined) {
          next[f.key] = v;
          derived.push(f.key);
        }
      }
    }
  }
  return { data: next, derived };
}

export function issuesByField(issues: readonly Issue[]): Map<string, Issue[]> {
  const m = new Map<string, Issue[]>();
  for (const i of issues) {
    const list = m.get(i.field);
    if (list) list.push(i);
    else m.set(i.field, [i]);
  }
  for (const list of m.values()) list.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return m;
}

export function countIssues(issues: readonly Pick<Issue, 'severity'>[]): { error: number; warning: number } {
  let error = 0;
  let warning = 0;
  for (const i of issues) if (i.severity === 'error') error++;
  else warning++;
  return { error, warning };
}
