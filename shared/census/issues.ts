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

/** What an issue says, without the record it is about: what many records may share */
export const issueKindSchema = issueSchema.omit({ table: true, recordId: true });
export type IssueKind = z.infer<typeof issueKindSchema>;

/**
 * One table's issues in their order, each as its record's id and the index of what it says
 * (`kindOf[i]` into `kinds`). In a census started from the last one, every carried person is 待确认
 * with the same message: at 100k persons the grid's issues were 21 MB of JSON as one object each,
 * and ~4.5 MB packed (bench/README.md, session 33).
 */
export const packedIssuesSchema = z
  .object({
    table: issueSchema.shape.table,
    kinds: z.array(issueKindSchema),
    recordIds: z.array(z.string()),
    kindOf: z.array(z.number().int().nonnegative()),
  })
  .refine((p) => p.recordIds.length === p.kindOf.length && p.kindOf.every((k) => k < p.kinds.length), '问题列表不完整');
export type PackedIssues = z.infer<typeof packedIssuesSchema>;

/** Issues of one table packed for the wire, in the same order */
export function packIssues(table: Issue['table'], issues: readonly Issue[]): PackedIssues {
  const kinds: IssueKind[] = [];
  const indexOf = new Map<string, number>();
  const recordIds = new Array<string>(issues.length);
  const kindOf = new Array<number>(issues.length);
  issues.forEach((i, n) => {
    if (i.table !== table) throw new Error(`a ${i.table} issue among the ${table} issues`);
    const key = `${i.field}\u0000${i.rule}\u0000${i.severity}\u0000${i.message}`;
    let k = indexOf.get(key);
    if (k === undefined) {
      k = kinds.push({ field: i.field, rule: i.rule, severity: i.severity, message: i.message }) - 1;
      indexOf.set(key, k);
    }
    recordIds[n] = i.recordId;
    kindOf[n] = k;
  });
  return { table, kinds, recordIds, kindOf };
}

/** The issues `packIssues` packed, in their order */
export function unpackIssues(p: PackedIssues): Issue[] {
  const out = new Array<Issue>(p.recordIds.length);
  for (let n = 0; n < out.length; n++) {
    const k = p.kinds[p.kindOf[n]!]!;
    out[n] = { table: p.table, recordId: p.recordIds[n]!, field: k.field, rule: k.rule, severity: k.severity, message: k.message };
  }
  return out;
}
