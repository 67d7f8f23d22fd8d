/**
 * Reading packages written before schema version 3. Versions 1 and 2 share one person and unit layout,
 * frozen here as it was written (it is history, not derived from today's dictionary); their rows are
 * brought to today's columns before anything else reads them. Fields added since are empty, and
 * 用工形式 is split into 编制情况 and 用工方式 (shared/census/legacy.ts).
 */
import { splitEmploymentForm } from '../census/legacy';

const V2_PERSON_COLUMNS = [
  'id', 'area_code', 'name', 'id_type', 'id_number', 'sex', 'birth_date', 'ethnicity', 'political', 'phone', 'education',
  'major_category', 'major_name', 'qual_level', 'cert_number', 'cert_year', 'title_level', 'unit_id', 'township',
  'urban_rural', 'post_category', 'sw_post', 'employment_form', 'domains', 'primary_domain', 'start_year', 'training_hours',
] as const;

const V2_UNIT_COLUMNS = [
  'id', 'area_code', 'name', 'credit_code', 'no_credit_reason', 'unit_type', 'township', 'urban_rural', 'is_station',
  'staff_count', 'sw_post_count', 'reported_sw_count',
] as const;

/** The first version whose person and unit columns are today's dictionary's */
export const DICTIONARY_COLUMNS_SINCE = 3;

/** The person/unit CSV header a package of `version` carries, or null when it is today's */
export function legacyColumns(resource: string, version: number): readonly string[] | null {
  if (version >= DICTIONARY_COLUMNS_SINCE) return null;
  if (resource === 'persons') return V2_PERSON_COLUMNS;
  if (resource === 'units') return V2_UNIT_COLUMNS;
  return null;
}

/** Rows under `from` rearranged under `to`: same-named columns carried over, the rest empty */
export function upgradeRows(resource: string, from: readonly string[], to: readonly string[], rows: string[][]): string[][] {
  const index = new Map(from.map((c, i) => [c, i]));
  const employmentAt = resource === 'persons' ? index.get('employment_form') : undefined;
  return rows.map((row) => {
    const cell = new Map<string, string>();
    if (employmentAt !== undefined) {
      const split = splitEmploymentForm(row[employmentAt] ?? '');
      cell.set('staffing', split.staffing ?? '');
      cell.set('employment_type', split.employmentType ?? '');
    }
    return to.map((c) => {
      const i = index.get(c);
      return i !== undefined ? row[i]! : (cell.get(c) ?? '');
    });
  });
}
