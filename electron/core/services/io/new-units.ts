/**
 * Units from the returns. Township sheets name each person's 工作单位 (and often its 单位性质) but
 * have no units sheet: the names no registered unit has become units the import creates, once each,
 * with 单位类型 from the persons' 单位性质 column and 乡镇 from their rows. A name that differs from a
 * registered unit only in spacing, brackets, 居委会 / 社区居民委员会 or an area prefix (东城区…) is
 * offered as that unit and left alone until the clerk chooses: never merged silently.
 */
import type { ImportDecisions, NewUnit } from '../../../../shared/api/methods/io';
import { isValidCode } from '../../../../shared/census/codes';
import { toHalfWidth } from '../../../../shared/census/normalize';
import { emptyRecord, type FieldValue, type RecordData } from '../../../../shared/census/schema';
import type { UnitRef } from '../../../../shared/io';
import { requireSettings, type ServiceContext } from '../context';
import type { StagedRow } from './parse';
import { newRecordId } from './ids';

/** The census area and the areas above it, with and without their 省/市/区/县 suffix */
export function areaPrefixes(ctx: ServiceContext): string[] {
  const settings = requireSettings(ctx);
  const out = new Set<string>();
  let d = ctx.divisions.get(ctx.divisions.resolve(settings.areaCode) ?? settings.areaCode);
  for (let i = 0; d && i < 4; i++) {
    out.add(d.name);
    const short = d.name.replace(/(省|市|自治区|自治州|地区|盟|区|县|自治县|旗)$/, '');
    if (short.length >= 2) out.add(short);
    d = ctx.divisions.parentOf(d.code);
  }
  if (settings.areaName) out.add(settings.areaName);
  return [...out].sort((a, b) => b.length - a.length);
}

/** The comparable form of a unit name: what two spellings of one unit still share */
export function unitNameKey(name: string, prefixes: readonly string[]): string {
  let s = toHalfWidth(name).replace(/\s+/g, '').replace(/[()[\]（）【】]/g, '');
  s = s.replace(/社区居民委员会/g, '社区居委会').replace(/居民委员会/g, '居委会').replace(/村民委员会/g, '村委会');
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const p of prefixes) {
      if (s.length > p.length + 1 && s.startsWith(p)) {
        s = s.slice(p.length);
        stripped = true;
        // From the longest again: 北京市东城区… must lose 东城区 whole, not 东城 and leave 区…
        break;
      }
    }
  }
  return s;
}

export interface NamedRow {
  file: string;
  r: StagedRow;
}

export interface NewUnitPlan {
  units: NewUnit[];
  /** Unit records to add, with the row that first named each and what was derived for it */
  rows: { file: string; staged: StagedRow; recordId: string; data: RecordData; derived: { field: string; from: string }[] }[];
  /** name → the unit id its persons now point at (created or linked) */
  linked: Map<string, string>;
}

function agreed(values: readonly FieldValue[], valid: (v: string) => boolean): string | null {
  let out: string | null = null;
  for (const v of values) {
    if (v == null || v === '') continue;
    if (typeof v !== 'string' || !valid(v)) return null;
    if (out !== null && out !== v) return null;
    out = v;
  }
  return out;
}

function mostCommon(values: readonly FieldValue[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) if (typeof v === 'string' && /^\d{9}$/.test(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  let n = 0;
  for (const [k, c] of counts) if (c > n) [best, n] = [k, c];
  return best;
}

/**
 * `named`: person rows whose unit name resolved to nothing; `known`: every unit the persons could
 * point at (registered and in the batch) by id → name.
 */
export function planNewUnits(
  named: readonly NamedRow[], known: ReadonlyMap<string, string>, prefixes: readonly string[], decisions: ImportDecisions,
): NewUnitPlan {
  const groups = new Map<string, NamedRow[]>();
  for (const n of named) {
    const name = n.r.unitRef?.name;
    if (!name) continue;
    const g = groups.get(name);
    if (g) g.push(n);
    else groups.set(name, [n]);
  }
  const byKey = new Map<string, { unitId: string; name: string }>();
  for (const [unitId, name] of known) {
    const k = unitNameKey(name, prefixes);
    if (k && !byKey.has(k)) byKey.set(k, { unitId, name });
  }
  const chosen = new Map((decisions.units ?? []).map((d) => [d.name, d]));
  const plan: NewUnitPlan = { units: [], rows: [], linked: new Map() };
  for (const [name, rows] of groups) {
    const near = byKey.get(unitNameKey(name, prefixes)) ?? null;
    const d = chosen.get(name);
    let action: NewUnit['action'] = d?.action ?? (near ? 'skip' : 'create');
    let unitId: string | null = null;
    if (action === 'link') {
      unitId = d?.unitId && known.has(d.unitId) ? d.unitId : null;
      if (!unitId) action = near ? 'skip' : 'create';
    }
    const unitType = agreed(rows.map((n) => (n.r.unitRef as UnitRef | null)?.unitType ?? null), (v) => isValidCode('unitType', v));
    const township = mostCommon(rows.map((n) => n.r.data.township ?? null));
    const urbanRural = agreed(rows.map((n) => n.r.data.urbanRural ?? null), (v) => isValidCode('urbanRural', v));
    if (action === 'create') {
      unitId = newRecordId();
      const first = rows[0]!;
      const data: RecordData = { ...emptyRecord('unit'), name, unitType, township, urbanRural };
      const derived = [
        ...(township ? [{ field: 'township', from: 'persons' }] : []),
        ...(urbanRural ? [{ field: 'urbanRural', from: 'persons' }] : []),
        ...(unitType ? [{ field: 'unitType', from: 'persons' }] : []),
      ];
      plan.rows.push({ file: first.file, staged: { ...first.r, table: 'unit', data: {}, unitRef: null }, recordId: unitId, data, derived });
    }
    if (unitId) plan.linked.set(name, unitId);
    plan.units.push({
      name, unitType, township, urbanRural, rows: rows.length, files: [...new Set(rows.map((n) => n.file))],
      near, action, unitId: action === 'link' ? unitId : null,
    });
  }
  plan.units.sort((a, b) => b.rows - a.rows || a.name.localeCompare(b.name, 'zh'));
  return plan;
}
