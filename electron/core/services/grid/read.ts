/** What the grid loads: rows as compact arrays, the table's issues, units and townships, layouts. */
import { createHash } from 'node:crypto';
import type { MethodOutput, ParsedInput } from '../../../../shared/api/contract';
import { layoutSchema, type GridLayout } from '../../../../shared/api/methods/grid';
import { fieldsOf, type TableName } from '../../../../shared/census/dictionary';
import { packIssues } from '../../../../shared/census/issues';
import { toAreaCode } from '../../../../shared/divisions';
import { requireSettings, type ServiceContext } from '../context';
import { townshipsOf } from '../io/places';
import { censusIssues, inScope } from '../issues';
import { defineSlot } from '../state';

export function gridRows(ctx: ServiceContext, q: ParsedInput<'grid.rows'>): MethodOutput<'grid.rows'> {
  requireSettings(ctx);
  const repo = ctx.store.records[q.table];
  return { total: repo.count(q.areas), fields: fieldsOf[q.table].map((f) => f.key), rows: repo.page(q.offset, q.limit, q.areas) };
}

export function gridIssues(ctx: ServiceContext, q: ParsedInput<'grid.issues'>): MethodOutput<'grid.issues'> {
  const all = censusIssues(ctx);
  const issues = all.issues.filter(inScope(all, q.table, q.areas));
  return { issues: packIssues(q.table, issues), counts: q.areas ? all.countsIn(q.table, q.areas) : { ...all.tableCounts[q.table] } };
}

/**
 * The areas the table's records come from. At a province, each area's 市州 too: the grid offers a
 * whole 市州 or one of its 区县.
 */
export function gridAreas(ctx: ServiceContext, table: TableName): MethodOutput<'grid.areas'> {
  const s = requireSettings(ctx);
  const counts = ctx.store.records[table].countByArea();
  // 市州 only: a county the province administers directly is a sub-area of its own, not a group.
  const cities = s.level === 'province' ? ctx.divisions.subAreasOf(s.areaCode).filter((c) => c.level === 'city') : [];
  const nameOf = (code: string) => ctx.divisions.get(ctx.divisions.resolve(code) ?? code)?.name ?? code;
  // An upper level always has a place for its own entries, the only rows it may add: listed even while empty.
  if (s.level !== 'county' && !counts.some((a) => a.code === s.areaCode)) counts.unshift({ code: s.areaCode, count: 0 });
  return {
    level: s.level,
    total: counts.reduce((n, a) => n + a.count, 0),
    areas: counts.map(({ code, count }) => {
      const city = code === s.areaCode ? undefined : cities.find((c) => toAreaCode(c.code) === code || ctx.divisions.isWithin(code, c.code));
      return { code, name: nameOf(code), count, group: city ? { code: toAreaCode(city.code), name: city.name } : null, own: code === s.areaCode };
    }),
  };
}

/**
 * The refs' key as last computed, with what it depended on: other processes' commits and the census's area
 * (either moved: read again). This process's writes keep the key unless one touched the units
 * (`store.unitWrites`).
 */
const REFS_KEY = defineSlot('grid refs key', () => ({ others: -1, area: '', key: '' }));

/**
 * The key is a hash of the lists themselves, not the store version: a grid's layout saved or a person
 * edited moves the version but not the lists, and the client then keeps what it has — without the units
 * being read again (0.35–0.45 s at a national census of 100k units) unless a unit was written.
 */
export function gridRefs(ctx: ServiceContext, q: ParsedInput<'grid.refs'>): MethodOutput<'grid.refs'> {
  const settings = requireSettings(ctx);
  const memo = ctx.state.get(REFS_KEY);
  // Asked every time (it resets), so a unit written after this answer is not mistaken for one hashed in it.
  const unitsWritten = ctx.store.unitWrites.take();
  const held = memo.key !== '' && !unitsWritten && memo.area === settings.areaCode && memo.others === ctx.store.othersVersion();
  if (held && q.known === memo.key) return { key: q.known, unchanged: true };
  memo.key = '';
  const units = ctx.store.units.options('', Math.max(1, ctx.store.units.count()));
  const townships = townshipsOf(ctx).list.map((t) => ({ code: t.code, name: t.name }));
  const key = createHash('sha256').update(JSON.stringify([units, townships])).digest('base64url');
  Object.assign(memo, { others: ctx.store.othersVersion(), area: settings.areaCode, key });
  return key === q.known ? { key, unchanged: true } : { key, unchanged: false, units, townships };
}

const layoutKey = (table: TableName) => `grid.layout.${table}`;

export function getLayout(ctx: ServiceContext, table: TableName): GridLayout | null {
  return ctx.store.meta.read(layoutKey(table), layoutSchema);
}

export function setLayout(ctx: ServiceContext, table: TableName, layout: GridLayout): { ok: true } {
  ctx.store.meta.set(layoutKey(table), layout);
  return { ok: true };
}
