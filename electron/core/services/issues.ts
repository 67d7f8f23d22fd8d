/**
 * Whole-census validation, cached until the next write. Explanations (核实说明) are joined in when
 * listing, so writing one does not invalidate the cache.
 */
import type { MethodOutput, ParsedInput } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { issueKey, type Issue } from '../../../shared/census/issues';
import type { TableName } from '../../../shared/census/dictionary';
import type { RecordRow, Source } from '../../../shared/census/schema';
import { recordLabel, validateCensus } from '../../../shared/census/validate';
import { isoNow, requireSettings, validationContext, type ServiceContext } from './context';

interface RecordMeta {
  label: string;
  source: Source | null;
}

export interface CensusIssues {
  generation: number;
  issues: Issue[];
  meta: Map<string, RecordMeta>;
  counts: { error: number; warning: number };
  explainedWarnings: number;
}

const cache = new WeakMap<ServiceContext, CensusIssues>();

export function censusIssues(ctx: ServiceContext): CensusIssues {
  const hit = cache.get(ctx);
  const explanations = ctx.store.explanations.all();
  if (hit && hit.generation === ctx.generation.value) {
    hit.explainedWarnings = countExplained(hit.issues, explanations);
    return hit;
  }
  const settings = requireSettings(ctx);
  const meta = new Map<string, RecordMeta>();
  // One read of each table: the lookups and the rules both walk the same arrays.
  const read = (rows: Iterable<RecordRow>, table: TableName): RecordRow[] => {
    const out: RecordRow[] = [];
    for (const r of rows) {
      meta.set(r.id, { label: recordLabel(table, r.data), source: r.source });
      out.push(r);
    }
    return out;
  };
  const persons = read(ctx.store.persons.iterate(), 'person');
  const units = read(ctx.store.units.iterate(), 'unit');
  const issues = validateCensus({ persons: () => persons, units: () => units }, validationContext(ctx, settings));
  const counts = { error: 0, warning: 0 };
  for (const i of issues) counts[i.severity]++;
  const result: CensusIssues = { generation: ctx.generation.value, issues, meta, counts, explainedWarnings: countExplained(issues, explanations) };
  cache.set(ctx, result);
  return result;
}

function countExplained(issues: Issue[], explanations: Map<string, string>): number {
  let n = 0;
  for (const i of issues) if (i.severity === 'warning' && explanations.has(issueKey(i))) n++;
  return n;
}

export function listIssues(ctx: ServiceContext, q: ParsedInput<'issues.list'>): MethodOutput<'issues.list'> {
  const all = censusIssues(ctx);
  const explanations = ctx.store.explanations.all();
  const byRule: Record<string, number> = {};
  const filtered = all.issues.filter((i) => {
    if (q.table && i.table !== q.table) return false;
    if (q.severity && i.severity !== q.severity) return false;
    if (q.recordId && i.recordId !== q.recordId) return false;
    byRule[i.rule] = (byRule[i.rule] ?? 0) + 1;
    return !q.rule || i.rule === q.rule;
  });
  return {
    total: filtered.length,
    counts: all.counts,
    byRule,
    issues: filtered.slice(q.offset, q.offset + q.limit).map((i) => {
      const m = all.meta.get(i.recordId);
      return { ...i, explanation: explanations.get(issueKey(i)) ?? null, source: m?.source ?? null, recordLabel: m?.label ?? '' };
    }),
  };
}

export function explainIssue(ctx: ServiceContext, input: ParsedInput<'issues.explain'>): { ok: true } {
  const settings = requireSettings(ctx);
  const issue = censusIssues(ctx).issues.find((i) => issueKey(i) === issueKey(input));
  if (!issue) throw new ApiError('not_found', '该问题已不存在（可能已被修正），无需说明');
  if (issue.severity !== 'warning') throw new ApiError('bad_input', '错误必须修正，不能以说明代替；只有警告可以填写核实说明');
  ctx.store.explanations.set(input, input.text, settings.operator, isoNow(ctx));
  return { ok: true };
}
