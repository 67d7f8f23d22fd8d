/** The header → field choices a clerk made, remembered for the next import of a sheet in the same words. */
import { z } from 'zod';
import type { TableName } from '../../../../shared/census/dictionary';
import { headerKey, type RememberedMappings } from '../../../../shared/io';
import type { ServiceContext } from '../context';
import type { StagedFile } from './parse';

export const REMEMBERED_KEY = 'io.headerMappings';
const rememberedSchema = z.object({
  person: z.record(z.string(), z.string().nullable()).optional(),
  unit: z.record(z.string(), z.string().nullable()).optional(),
});

export function rememberedMappings(ctx: ServiceContext): RememberedMappings {
  return ctx.store.meta.read(REMEMBERED_KEY, rememberedSchema) ?? {};
}


export function remember(ctx: ServiceContext, files: StagedFile[]): RememberedMappings | null {
  const next: RememberedMappings = rememberedMappings(ctx);
  let changed = false;
  for (const f of files) {
    for (const s of f.sheets) {
      if (!s.table) continue;
      const table: TableName = s.table;
      for (const c of s.columns) {
        if (c.how !== 'override' && c.how !== 'guess') continue;
        const m = (next[table] ??= {});
        m[headerKey(c.header)] = c.field;
        changed = true;
      }
    }
  }
  return changed ? next : null;
}

/** Forgets every remembered choice: the next import maps columns by their headers again. */
export function forgetRememberedMappings(ctx: ServiceContext): { ok: true } {
  ctx.store.meta.delete(REMEMBERED_KEY);
  return { ok: true };
}
