/**
 * 报送情况: the sub-areas a city or province expects (from the division data) against the packages
 * received. A sub-area is received, zero, partial or missing as coverage.ts decides. Errors and warnings are the
 * live validation of the merged census, grouped by the sub-area each record came from.
 */
import type { MethodOutput } from '../../../../shared/api/contract';
import { issueKey } from '../../../../shared/census/issues';
import { formatFingerprint } from '../../../../shared/package';
import type { PackageRow } from '../../db';
import { countingRule } from '../counting';
import { requireSettings, type ServiceContext } from '../context';
import { censusIssues } from '../issues';
import { coverageOf } from './coverage';
import { packageIndex, type PackageIndex } from './origins';

interface AreaIssues {
  errors: number;
  warnings: number;
  unexplained: number;
}

/** Live issue counts per current package id */
function issuesByPackage(ctx: ServiceContext, index: PackageIndex): Map<string, AreaIssues> {
  const all = censusIssues(ctx);
  const explanations = ctx.store.explanations.all();
  const out = new Map<string, AreaIssues>();
  const ids = { person: new Set<string>(), unit: new Set<string>() };
  for (const i of all.issues) ids[i.table].add(i.recordId);
  const areaOf = {
    person: ctx.store.packages.areaCodesOf('person', [...ids.person]),
    unit: ctx.store.packages.areaCodesOf('unit', [...ids.unit]),
  };
  for (const i of all.issues) {
    const area = areaOf[i.table].get(i.recordId);
    const pkg = area ? index.packageOf(area) : null;
    if (!pkg) continue;
    const a = out.get(pkg.id) ?? { errors: 0, warnings: 0, unexplained: 0 };
    if (i.severity === 'error') a.errors++;
    else {
      a.warnings++;
      if (!explanations.has(issueKey(i))) a.unexplained++;
    }
    out.set(pkg.id, a);
  }
  return out;
}

export function completenessBoard(ctx: ServiceContext, { quick = false }: { quick?: boolean } = {}): MethodOutput<'packages.board'> {
  const settings = requireSettings(ctx);
  const index = packageIndex(ctx);
  const current = index.current;
  const live = new Map<string, { persons: number; units: number }>();
  for (const table of ['person', 'unit'] as const) {
    for (const [area, n] of ctx.store.packages.countsByArea(table)) {
      const p = index.packageOf(area);
      if (!p) continue;
      const c = live.get(p.id) ?? { persons: 0, units: 0 };
      c[table === 'person' ? 'persons' : 'units'] += n;
      live.set(p.id, c);
    }
  }
  const issues = current.length ? issuesByPackage(ctx, index) : new Map<string, AreaIssues>();
  const info = (p: PackageRow) => {
    const n = live.get(p.id) ?? { persons: 0, units: 0 };
    const i = issues.get(p.id) ?? { errors: 0, warnings: 0, unexplained: 0 };
    return {
      packageId: p.id, areaCode: p.areaCode, areaName: p.areaName, level: p.level, sequence: p.sequence, officeName: p.officeName,
      createdAt: p.createdAt, receivedAt: p.receivedAt, fingerprint: formatFingerprint(p.signerFingerprint),
      persons: n.persons, units: n.units, errors: i.errors, warnings: i.warnings, unexplainedWarnings: i.unexplained,
    };
  };
  const cov = coverageOf(ctx);
  const sent = settings.level === 'county' ? [] : ctx.store.feedback.list('sent');
  const rows = (cov?.rows ?? []).map((c) => {
    const packages = c.packages.map(info);
    const sum = (k: 'persons' | 'units' | 'errors' | 'warnings' | 'unexplainedWarnings') => packages.reduce((s, p) => s + p[k], 0);
    const asked = sent.filter((f) => f.sentAt !== null && ctx.divisions.isWithin(ctx.divisions.resolve(f.areaCode) ?? f.areaCode, c.code));
    return {
      areaCode: c.areaCode, areaName: c.path, level: c.level,
      status: c.status, packages, below: c.below,
      feedback: { sent: asked.length, answered: asked.filter((f) => f.answer !== null).length },
      persons: sum('persons'), units: sum('units'), errors: sum('errors'), warnings: sum('warnings'), unexplainedWarnings: sum('unexplainedWarnings'),
    } as const;
  });
  const rule = quick ? null : countingRule(ctx);
  const persons = ctx.store.persons.count();
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  return {
    areaCode: settings.areaCode,
    areaName: settings.areaName,
    level: settings.level,
    canMerge: settings.level !== 'county',
    rows,
    totals: { expected: rows.length, received: count('received'), zero: count('zero'), partial: count('partial'), missing: count('missing') },
    persons,
    countedPersons: rule && persons - rule.excludedPersonIds.size,
    units: ctx.store.units.count(),
    pendingDuplicates: rule && rule.pendingDuplicates,
  };
}

export function packageHistory(ctx: ServiceContext): MethodOutput<'packages.history'> {
  requireSettings(ctx);
  return {
    received: ctx.store.packages.all().map((p) => ({
      packageId: p.id, areaCode: p.areaCode, areaName: p.areaName, level: p.level, sequence: p.sequence, officeName: p.officeName,
      createdAt: p.createdAt, receivedAt: p.receivedAt, fingerprint: formatFingerprint(p.signerFingerprint),
      persons: p.persons, units: p.units, status: p.status, fileName: p.fileName,
    })),
    exports: ctx.store.packages.exports(),
  };
}
