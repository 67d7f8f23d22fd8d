/**
 * Issue counts at a city or province without validating the records that arrived in packages: those
 * were validated where they were entered, and every rule that looks at other records is scoped to
 * one area (ID numbers and credit codes per area, units and their persons within the package that
 * brought them), so the sender's counts — declared in its signed manifest, checked against its rows
 * on merge — are the counts here too. Received records cannot be edited at this level, so nothing
 * here can change them. What is left to do:
 * - the records entered at this level itself (not under any current package's area codes) are
 *   validated here, their cross-record lookups answered from the indexes;
 * - explanations written here on received warnings count as explained on top of the sender's;
 * - persons reported by two areas (the one rule that needs the whole census) are found through the
 *   ID-number index by the counting rule, not here.
 * A million persons then cost a handful of indexed queries instead of a full validation pass.
 */
import type { TableName } from '../../../shared/census/dictionary';
import { issueKey } from '../../../shared/census/issues';
import type { RecordRow } from '../../../shared/census/schema';
import { validateRecord, type CrossLookups } from '../../../shared/census/validate';
import { requireSettings, validationContext, type ServiceContext } from './context';
import { areaCodesOfPackage } from './packages/origins';

export interface IssueCounts {
  counts: { error: number; warning: number };
  explainedWarnings: number;
}

const upper = (v: unknown) => (typeof v === 'string' && v !== '' ? v.toUpperCase() : null);

function perArea(rows: readonly RecordRow[], key: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) {
    const k = upper(r.data[key]);
    if (k) m.set(`${r.areaCode}|${k}`, (m.get(`${r.areaCode}|${k}`) ?? 0) + 1);
  }
  return m;
}

/** Counts for a merged census; null at a county (whose records are all its own: the full pass applies) */
export function upperLevelIssueCounts(ctx: ServiceContext): IssueCounts | null {
  const settings = requireSettings(ctx);
  if (settings.level === 'county') return null;
  const packages = ctx.store.packages.current();
  const received = [...new Set(packages.flatMap(areaCodesOfPackage))];
  const out: IssueCounts = { counts: { error: 0, warning: 0 }, explainedWarnings: 0 };
  let broughtExplanations = 0;
  for (const p of packages) {
    out.counts.error += p.declaredErrors;
    out.counts.warning += p.declaredWarnings;
    out.explainedWarnings += p.declaredWarnings - p.declaredUnexplained;
    broughtExplanations += p.explanations;
  }
  // Explanations written here on received records beyond those the packages brought (an upper
  // level may only explain a live warning, so each is one more explained warning)
  const receivedWarnings = out.counts.warning;
  out.explainedWarnings = Math.min(receivedWarnings, out.explainedWarnings + Math.max(0, ctx.store.packages.explanationsUnder(received) - broughtExplanations));

  // Every row a package brought is counted in its row (checked on merge), so when the totals agree
  // there is nothing of this level's own to look for.
  const brought = (t: TableName) => packages.reduce((n, p) => n + (t === 'person' ? p.persons : p.units), 0);
  const ownOf = (t: TableName) => (ctx.store.records[t].count() === brought(t) ? [] : ctx.store.records[t].outside(received));
  const own: Record<TableName, RecordRow[]> = { unit: ownOf('unit'), person: ownOf('person') };
  if (own.unit.length + own.person.length === 0) return out;
  const ids = perArea(own.person, 'idNumber');
  const credits = perArea(own.unit, 'creditCode');
  const ownUnits = new Set(own.unit.map((u) => u.id));
  const lookups: CrossLookups = {
    personsWithIdNumber: (x, area) => ids.get(`${area}|${x}`) ?? 0,
    unitsWithCreditCode: (x, area) => credits.get(`${area}|${x}`) ?? 0,
    unitExists: (x) => ownUnits.has(x) || ctx.store.units.get(x) !== null,
    personsInUnit: (x) => ctx.store.persons.countByUnit(x),
  };
  const vctx = validationContext(ctx, settings);
  const explanations = ctx.store.explanations.all();
  for (const table of ['unit', 'person'] as const) {
    for (const r of own[table]) {
      for (const i of validateRecord(table, r.id, r.data, vctx, lookups, r.areaCode)) {
        out.counts[i.severity]++;
        if (i.severity === 'warning' && explanations.has(issueKey(i))) out.explainedWarnings++;
      }
    }
  }
  return out;
}
