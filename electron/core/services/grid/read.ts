/** What the grid loads: rows as compact arrays, the table's issues, units and townships, layouts. */
import type { MethodOutput, ParsedInput } from '../../../../shared/api/contract';
import { layoutSchema, type GridLayout } from '../../../../shared/api/methods/grid';
import { fieldsOf, type TableName } from '../../../../shared/census/dictionary';
import { requireSettings, type ServiceContext } from '../context';
import { townshipsOf } from '../io/places';
import { censusIssues } from '../issues';

export function gridRows(ctx: ServiceContext, q: ParsedInput<'grid.rows'>): MethodOutput<'grid.rows'> {
  requireSettings(ctx);
  const repo = ctx.store.records[q.table];
  return { total: repo.count(), fields: fieldsOf[q.table].map((f) => f.key), rows: repo.page(q.offset, q.limit) };
}

export function gridIssues(ctx: ServiceContext, table: TableName): MethodOutput<'grid.issues'> {
  const all = censusIssues(ctx);
  return { issues: all.issues.filter((i) => i.table === table), counts: { ...all.tableCounts[table] } };
}

export function gridRefs(ctx: ServiceContext): MethodOutput<'grid.refs'> {
  requireSettings(ctx);
  const units = ctx.store.units.options('', Math.max(1, ctx.store.units.count()));
  return { units, townships: townshipsOf(ctx).list.map((t) => ({ code: t.code, name: t.name })) };
}

const layoutKey = (table: TableName) => `grid.layout.${table}`;

export function getLayout(ctx: ServiceContext, table: TableName): GridLayout | null {
  return ctx.store.meta.read(layoutKey(table), layoutSchema);
}

export function setLayout(ctx: ServiceContext, table: TableName, layout: GridLayout): { ok: true } {
  ctx.store.meta.set(layoutKey(table), layout);
  return { ok: true };
}
