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
import { PACKAGE_SCHEMA_VERSION } from '../../../shared/package';
import { issueKey } from '../../../shared/census/issues';
import type { RecordRow } from '../../../shared/census/schema';
import { validateRecord, type CrossLookups } from '../../../shared/census/validate';
import { requireSettings, validationContext, type ServiceContext } from './context';
import { areaCodesOfPackage } from './packages/origins';
import type { PackageRow, RecordScope } from '../db';

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

/**
 * What a validation pass at an upper level (the issues list, `check`, the board's live counts) still
 * has to look at. A package that declared neither errors nor warnings brought records without issues
 * (they were validated where they were entered, and every cross-record rule is scoped to one area),
 * so its records are skipped; the records of packages that declared issues are validated here to list
 * them, and so are this level's own.
 */
export interface UpperScope {
  /** Per table: the records to validate (an empty `areas` and no `outsideOf`: none) */
  scope: Record<TableName, RecordScope>;
  /** Area codes of the packages that declared no issues: none of their records has any */
  clean: ReadonlySet<string>;
}

/** null at a county, whose records are all its own */
export function upperValidationScope(ctx: ServiceContext): UpperScope | null {
  if (requireSettings(ctx).level === 'county') return null;
  const packages = ctx.store.packages.current();
  const clean = new Set<string>();
  const withIssues: string[] = [];
  const received: string[] = [];
  for (const p of packages) {
    const areas = areaCodesOfPackage(p);
    received.push(...areas);
    if (declaredClean(ctx, p)) for (const a of areas) clean.add(a);
    else withIssues.push(...areas);
  }
  const scopeOf = (t: TableName): RecordScope => ({ areas: withIssues, outsideOf: hasOwn(ctx, packages, t) ? received : undefined });
  return { scope: { person: scopeOf('person'), unit: scopeOf('unit') }, clean };
}

/**
 * A package's "no issues" holds here when it was validated by the same rules, dictionary and division
 * data: the same app version, package schema version and division data version. An older package
 * (say version 2, before 人员类别 was required) is validated here again.
 */
function declaredClean(ctx: ServiceContext, p: PackageRow): boolean {
  return p.declaredErrors + p.declaredWarnings === 0 && sameRules(ctx, p);
}

function sameRules(ctx: ServiceContext, p: PackageRow): boolean {
  return p.appVersion === ctx.app.version && p.schemaVersion === PACKAGE_SCHEMA_VERSION && p.divisionsVersion === ctx.divisions.version;
}

/**
 * Whether this level holds records of its own in the table: every row a package brought is counted
 * in its row (checked on merge), so when the totals agree there are none.
 */
function hasOwn(ctx: ServiceContext, packages: readonly PackageRow[], t: TableName): boolean {
  return ctx.store.records[t].count() !== packages.reduce((n, p) => n + (t === 'person' ? p.persons : p.units), 0);
}

/**
 * Counts for a merged census; null at a county (whose records are all its own: the full pass applies)
 * and when a current package was judged by other rules than this census's.
 */
export function upperLevelIssueCounts(ctx: ServiceContext): IssueCounts | null {
  const settings = requireSettings(ctx);
  if (settings.level === 'county') return null;
  const packages = ctx.store.packages.current();
  // A package judged by other rules (another app, schema or division data version) may have issues
  // here it did not declare: then the counts come from validating (the issues list's scoped pass).
  if (packages.some((p) => !sameRules(ctx, p))) return null;
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

  const ownOf = (t: TableName) => (hasOwn(ctx, packages, t) ? ctx.store.records[t].outside(received) : []);
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
