import { z } from 'zod';

export const severitySchema = z.enum(['error', 'warning']);
export type Severity = z.infer<typeof severitySchema>;

export const issueSchema = z.object({
  table: z.enum(['person', 'unit']),
  recordId: z.string(),
  /** Dictionary key of the offending field; '' when the issue concerns the whole record */
  field: z.string(),
  rule: z.string(),
  severity: severitySchema,
  message: z.string(),
});
export type Issue = z.infer<typeof issueSchema>;

/** Warnings are explained per (record, field, rule); the key survives re-validation. */
export function issueKey(i: Pick<Issue, 'table' | 'recordId' | 'field' | 'rule'>): string {
  return `${i.table}|${i.recordId}|${i.field}|${i.rule}`;
}
