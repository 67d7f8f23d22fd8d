/**
 * Which sub-areas have reported, as every number of an upper level must say: a sub-area is
 * received (its own package), zero (a package with nobody), partial (its own package says areas below
 * it were missing, or only some areas below it sent packages straight here) or missing (未报, never 0).
 */
import { toAreaCode } from '../../../../shared/divisions';
import type { PackageRow } from '../../db';
import { requireSettings, type ServiceContext } from '../context';

export type SubAreaStatus = 'received' | 'zero' | 'partial' | 'missing';

export interface SubAreaCoverage {
  /** 6-digit area code */
  areaCode: string;
  /** Canonical division code (5323 for a city) */
  code: string;
  /** The short name (楚雄市), and the path from the province */
  name: string;
  path: string;
  level: 'city' | 'county';
  status: SubAreaStatus;
  /** This level's current packages from inside the sub-area */
  packages: PackageRow[];
  /** What the sub-area's own package says about the areas below it (version-2 merged packages) */
  below: { expected: number; included: number; missing: string[] } | null;
}

export interface CoverageSummary {
  expected: number;
  /** Sub-areas with a package (received, zero or partial) */
  reported: number;
  partial: number;
  rows: SubAreaCoverage[];
  missing: SubAreaCoverage[];
}

/** null for a county: its sub-areas are townships, which send spreadsheets, not packages. */
export function coverageOf(ctx: ServiceContext): CoverageSummary | null {
  const settings = requireSettings(ctx);
  if (settings.level === 'county') return null;
  const here = ctx.divisions.resolve(settings.areaCode) ?? settings.areaCode;
  const current = ctx.store.packages.current();
  const canonical = new Map(current.map((p) => [p.id, ctx.divisions.resolve(p.areaCode) ?? p.areaCode]));
  const rows = ctx.divisions.subAreasOf(here).map((d): SubAreaCoverage => {
    const mine = current.filter((p) => ctx.divisions.isWithin(canonical.get(p.id)!, d.code));
    const own = mine.find((p) => canonical.get(p.id) === d.code);
    const cov = own ? ctx.store.feedback.coverageOf(own.id) : null;
    const missing = cov ? cov.expected.filter((c) => !cov.included.includes(c)) : [];
    const below = cov ? { expected: cov.expected.length, included: cov.expected.length - missing.length, missing } : null;
    const status: SubAreaStatus = own
      ? missing.length > 0 ? 'partial' : mine.reduce((n, p) => n + p.persons, 0) === 0 ? 'zero' : 'received'
      : mine.length ? 'partial' : 'missing';
    return {
      areaCode: toAreaCode(d.code), code: d.code, name: d.name, path: d.path, level: d.level === 'city' ? 'city' : 'county',
      status, packages: mine, below,
    };
  });
  const missing = rows.filter((r) => r.status === 'missing');
  return { expected: rows.length, reported: rows.length - missing.length, partial: rows.filter((r) => r.status === 'partial').length, rows, missing };
}

/** "已报 2/10" and, when some are missing, who */
export function coverageText(c: CoverageSummary): string {
  const partial = c.partial ? `（其中 ${c.partial} 个部分报送）` : '';
  const names = c.missing.map((m) => m.name);
  const list = names.length > 8 ? `${names.slice(0, 8).join('、')}等 ${names.length} 个` : names.join('、');
  return `已报 ${c.reported}/${c.expected}${partial}${c.missing.length ? `；未报：${list}（表中“未报”不是 0）` : ''}`;
}
