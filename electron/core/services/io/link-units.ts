/**
 * A person whose unit was not registered when they were written keeps the unit's name as text in
 * their unit cell (flagged 所在单位未登记). When a unit with exactly that name is registered, renamed
 * to it, or imported, those persons are linked to it in the same write, with an audit entry each.
 */
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
