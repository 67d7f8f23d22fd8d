/**
 * The township lookup as plain data (maps and sets, so a StageSpec stays cloneable): places.ts builds
 * it from the divisions, and the census's resolve and the import's staging answer from the same index.
 */
export interface TownshipIndex {
  /** name → 9-digit code; null when two townships share the name; `~short` keys for names without their suffix */
  byName: Map<string, string | null>;
  /** 9-digit codes of the census area's townships */
  codes: Set<string>;
}

/** Township name or code → 9-digit code inside the census area, or null when unknown */
export function resolveTownshipIn(index: TownshipIndex, text: string): string | null {
  const s = text.replace(/\s/g, '');
  if (/^\d{12}$/.test(s) && index.codes.has(s.slice(0, 9))) return s.slice(0, 9);
  if (/^\d{9}$/.test(s)) return s;
  return index.byName.get(s) ?? index.byName.get(`~${s}`) ?? null;
}
