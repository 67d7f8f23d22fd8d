/**
 * Which current package a merged record came from, derived from its area code: each package lists
 * the area codes of its records, and packages of overlapping areas are never current together.
 * Records under this census's own code were entered here and belong to no package.
 */
import type { PackageRow } from '../../db';
import type { ServiceContext } from '../context';

export interface PackageIndex {
  /** The current package whose records carry this area code */
  packageOf(areaCode: string): PackageRow | null;
  /** The package that first carried records of this area code upward ('' for own records) */
  firstPackageOf(areaCode: string): string;
  current: PackageRow[];
}

export function areaCodesOfPackage(p: PackageRow): string[] {
  return JSON.parse(p.areaCodes) as string[];
}

export function packageIndex(ctx: ServiceContext): PackageIndex {
  const current = ctx.store.packages.current();
  const byArea = new Map<string, PackageRow>();
  const first = new Map<string, string>();
  for (const p of current) {
    for (const a of areaCodesOfPackage(p)) byArea.set(a, p);
    for (const [a, id] of Object.entries(JSON.parse(p.firstPackages) as Record<string, string>)) first.set(a, id);
  }
  return {
    packageOf: (a) => byArea.get(a) ?? null,
    firstPackageOf: (a) => first.get(a) ?? byArea.get(a)?.id ?? '',
    current,
  };
}
