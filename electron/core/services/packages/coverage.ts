/**
 * Which sub-areas have reported, as every number of an upper level must say: a sub-area is
 * received (its own package, or one straight from every area below it), zero (packages with nobody),
 * partial (its own package says areas below it were missing, or only some areas below it sent packages
 * straight here) or missing (未报, never 0).
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
  /**
   * The areas below the sub-area, and which of them its return includes: what its own package says
   * (version-2 merged packages), or, with no package of its own, which of them sent packages straight here.
   * `missing` holds 6-digit area codes, `missingNames` their short names in the same order.
   */
  below: { expected: number; included: number; missing: string[]; missingNames: string[] } | null;
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
  const nameOf = (code: string) => ctx.divisions.get(ctx.divisions.resolve(code) ?? code)?.name ?? code;
  const rows = ctx.divisions.subAreasOf(here).map((d): SubAreaCoverage => {
    const mine = current.filter((p) => ctx.divisions.isWithin(canonical.get(p.id)!, d.code));
    const own = mine.find((p) => canonical.get(p.id) === d.code);
    let below: SubAreaCoverage['below'] = null;
    if (own) {
      const cov = ctx.store.feedback.coverageOf(own.id);
      if (cov) {
        const missing = cov.expected.filter((c) => !cov.included.includes(c));
        below = { expected: cov.expected.length, included: cov.expected.length - missing.length, missing, missingNames: missing.map(nameOf) };
      }
    } else if (mine.length) {
      // Areas below it reported straight here (a city whose counties send to the province): which of them did.
      const under = ctx.divisions.subAreasOf(d.code);
      const absent = under.filter((u) => !mine.some((p) => ctx.divisions.isWithin(canonical.get(p.id)!, u.code)));
      below = { expected: under.length, included: under.length - absent.length, missing: absent.map((u) => toAreaCode(u.code)), missingNames: absent.map((u) => u.name) };
    }
    const persons = mine.reduce((n, p) => n + p.persons, 0);
    // Complete when its own package says so, or when every area below it sent one straight here.
    const status: SubAreaStatus = mine.length === 0 ? 'missing'
      : (below?.missing.length ?? 0) > 0 ? 'partial'
        : persons === 0 ? 'zero' : 'received';
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
