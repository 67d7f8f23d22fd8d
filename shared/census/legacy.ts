/**
 * Values of fields that no longer exist, turned into today's fields. 用工形式 mixed staffing, contract
 * type and part-time work in one list; it became 编制情况 + 用工方式 (issue 12). An old value maps only
 * where the answer is unambiguous; otherwise its label is kept in 编制情况, where validation flags it
 * with the reason (codes.ts spanTerms.staffing) for a person to decide. Migration 006 does the same in
 * SQL for stored records (tests/unit/person-categories.test.ts checks that both agree).
 */
export interface EmploymentSplit {
  staffing: string | null;
  employmentType: string | null;
}

/** Old 用工形式 code → 编制情况, 用工方式 */
export const EMPLOYMENT_FORM_SPLIT: Readonly<Record<string, EmploymentSplit>> = {
  '1': { staffing: '在编', employmentType: null },
  '2': { staffing: '3', employmentType: '1' },
  '3': { staffing: '3', employmentType: '2' },
  '4': { staffing: '3', employmentType: '3' },
  '5': { staffing: '兼职', employmentType: '5' },
  '9': { staffing: '其他', employmentType: null },
};

/** A stored 用工形式 (a code, or the clerk's unreadable text, kept as it was) split in two */
export function splitEmploymentForm(value: string | null): EmploymentSplit {
  if (value === null || value === '') return { staffing: null, employmentType: null };
  return EMPLOYMENT_FORM_SPLIT[value] ?? { staffing: value, employmentType: null };
}
