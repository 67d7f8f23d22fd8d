/**
 * Which records an upper level's grid shows. A province merges a million persons: loaded at once
 * they took 17.5 s and an 866 MB browser heap, so a city or province picks the whole table, one
 * 市州 or one 区县 (or its own entries), and opens on a part small enough to load in a few seconds.
 */
import type { GridAreas } from '../api/methods/grid';

export interface ScopeOption {
  /** 'all', 'group:<市州 code>' or 'area:<area code>' */
  key: string;
  label: string;
  /** The area codes shown; null for the whole table */
  areas: string[] | null;
  count: number;
  /** 1 for a 区县 listed under its 市州 */
  depth: 0 | 1;
  /** The office's own entries (本级录入) */
  own: boolean;
}

/** Above this many rows an upper level's grid opens on a part of the table, not the whole */
export const GRID_LOAD_ALL_LIMIT = 200_000;

const n = (x: number) => x.toLocaleString('zh-CN');

/**
 * The choices, in the order the picker lists them: the whole table, then each 市州 with its 区县
 * beneath it (a province), or each 区县 (a city); the office's own entries as 本级录入.
 */
export function scopeOptions(list: GridAreas): ScopeOption[] {
  const slow = list.total > GRID_LOAD_ALL_LIMIT ? '，载入较慢' : '';
  const out: ScopeOption[] = [{ key: 'all', label: `全部（${n(list.total)} 行${slow}）`, areas: null, count: list.total, depth: 0, own: false }];
  const single = (a: GridAreas['areas'][number], depth: 0 | 1): ScopeOption => ({
    key: `area:${a.code}`,
    // The office's own entries, and at a province a 市州's own (its code is the group's): 「楚雄彝族自治州本级录入」
    label: `${a.own || a.group?.code === a.code ? `${a.name}本级录入` : a.name}（${n(a.count)} 行）`,
    areas: [a.code],
    count: a.count,
    depth,
    own: a.own,
  });
  const groups = new Map<string, { name: string; areas: GridAreas['areas'] }>();
  const loose: GridAreas['areas'] = [];
  for (const a of list.areas) {
    if (!a.group) {
      loose.push(a);
      continue;
    }
    let g = groups.get(a.group.code);
    if (!g) groups.set(a.group.code, (g = { name: a.group.name, areas: [] }));
    g.areas.push(a);
  }
  for (const a of loose) if (a.own) out.push(single(a, 0));
  for (const [code, g] of [...groups].sort(([x], [y]) => x.localeCompare(y))) {
    const count = g.areas.reduce((s, a) => s + a.count, 0);
    out.push({ key: `group:${code}`, label: `${g.name} 全部（${n(count)} 行）`, areas: g.areas.map((a) => a.code), count, depth: 0, own: false });
    for (const a of g.areas) out.push(single(a, 1));
  }
  for (const a of loose) if (!a.own) out.push(single(a, 0));
  return out;
}

/**
 * What the grid opens on: the choice remembered for this table if it is still there, else the whole
 * table when it is small enough, else the first 市州 or 区县 that is — received data, not the few
 * entries of the office's own, which the picker lists first.
 */
export function initialScope(options: readonly ScopeOption[], remembered: string | null, limit = GRID_LOAD_ALL_LIMIT): ScopeOption {
  const kept = remembered === null ? undefined : options.find((o) => o.key === remembered);
  if (kept) return kept;
  const all = options[0]!;
  if (all.count <= limit) return all;
  const parts = options.filter((o) => o.areas !== null && o.count > 0);
  return parts.find((o) => !o.own && o.count <= limit) ?? parts.find((o) => o.count <= limit) ?? parts[0] ?? all;
}
