/**
 * Inside the import's write transaction, after another process committed since the plan was made:
 * does the plan still hold? It does unless someone now exists that the plan would add again (same
 * ID number, credit code or unit name) or a record it updates was changed or deleted meanwhile. An
 * edit elsewhere in the census does not make the import plan again — so a clerk typing in the app
 * never starves a long CLI import.
 */
import type { ServiceContext } from '../context';
import type { Plan } from './plan';

const key = (v: unknown): string | null => {
  const s = typeof v === 'string' ? v.trim().toUpperCase() : typeof v === 'number' ? String(v) : '';
  return /^[0-9A-Z]+$/.test(s) ? s : null;
};

export function planStillHolds(ctx: ServiceContext, plan: Plan): boolean {
  const repo = ctx.store.imports;
  const persons = repo.personIdIndex();
  const units = repo.unitKeyIndex();
  for (const p of plan.rows) {
    if (p.action !== 'add') continue;
    if (p.table === 'person') {
      const id = key(p.data.idNumber);
      if (id && persons.has(id)) return false;
    } else {
      const code = key(p.data.creditCode);
      if (code && units.byCode.has(code)) return false;
      if (typeof p.data.name === 'string' && units.byName.has(p.data.name)) return false;
    }
  }
  for (const table of ['person', 'unit'] as const) {
    const updates = plan.rows.filter((p) => p.table === table && p.action === 'update');
    for (let i = 0; i < updates.length; i += 5000) {
      const slice = updates.slice(i, i + 5000);
      const now = new Map(ctx.store.records[table].getMany(slice.map((p) => p.recordId)).map((r) => [r.id, r.updatedAt]));
      if (slice.some((p) => now.get(p.recordId) !== p.before?.updatedAt)) return false;
    }
  }
  return true;
}
