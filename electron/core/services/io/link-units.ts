/**
 * A person whose unit was not registered when they were written keeps the unit's name as text in
 * their unit cell (flagged 所在单位未登记). When a unit with exactly that name is registered, renamed
 * to it, or imported, those persons are linked to it in the same write, with an audit entry each.
 */
import type { RecordData } from '../../../../shared/census/schema';
import type { ServiceContext } from '../context';

/** Links the persons naming `name` to `unitId`; returns their ids. Call inside the write's transaction. */
export function linkNamedPersons(ctx: ServiceContext, unitId: string, name: string, operator: string, at: string): string[] {
  const trimmed = name.trim();
  if (!trimmed) return [];
  const ids = ctx.store.imports.personsNamingUnit(trimmed);
  if (!ids.length) return [];
  ctx.store.imports.linkPersons(ids, unitId, at);
  const note = JSON.stringify({ unitLinked: trimmed });
  ctx.store.audit.append(ids.map((recordId) => ({
    table: 'person' as const, recordId, action: 'update' as const, field: 'unitId',
    oldValue: JSON.stringify(trimmed), newValue: JSON.stringify(unitId), operator, at, note,
  })));
  return ids;
}

/**
 * A unit's 城乡 reaches its persons who have none, as the import derives it: a clerk who fills in the
 * 城乡 of the units a return created clears the persons' 必填·城乡 with it. A value a person already
 * has is never overwritten. Returns the persons changed; call inside the write's transaction.
 */
export function fillUrbanRuralFromUnits(ctx: ServiceContext, units: readonly { id: string; data: RecordData }[], operator: string, at: string): string[] {
  const changed: string[] = [];
  const note = JSON.stringify({ derivedFrom: 'unitId' });
  for (const u of units) {
    const value = u.data.urbanRural;
    if (typeof value !== 'string' || !value) continue;
    const blank = ctx.store.persons.getMany(ctx.store.persons.idsWhereIn('unitId', [u.id])).filter((p) => p.data.urbanRural == null || p.data.urbanRural === '');
    if (!blank.length) continue;
    for (const p of blank) ctx.store.persons.update(p.id, { urbanRural: value }, at);
    ctx.store.audit.append(blank.map((p) => ({
      table: 'person' as const, recordId: p.id, action: 'update' as const, field: 'urbanRural',
      oldValue: JSON.stringify(p.data.urbanRural ?? null), newValue: JSON.stringify(value), operator, at, note,
    })));
    changed.push(...blank.map((p) => p.id));
  }
  return changed;
}
