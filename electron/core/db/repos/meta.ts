import type { z } from 'zod';
import { sqliteOf, type Db } from '../handle';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface MetaRepo {
  /** The stored JSON value, or undefined when the key is absent */
  get(key: string): Json | undefined;
  /** The stored value parsed by `schema`; null when absent or no longer of that shape */
  read<T>(key: string, schema: z.ZodType<T>): T | null;
  set(key: string, value: Json): void;
  delete(key: string): void;
}

/** Small named JSON values: key pairs, remembered import mappings, grid layout. */
export function metaRepo(db: Db): MetaRepo {
  const sqlite = sqliteOf(db);
  const select = sqlite.prepare('SELECT value FROM meta WHERE key = ?').pluck();
  const upsert = sqlite.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const remove = sqlite.prepare('DELETE FROM meta WHERE key = ?');
  const get = (key: string): Json | undefined => {
    const text = select.get(key) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as Json);
  };
  return {
    get,
    read(key, schema) {
      const value = get(key);
      if (value === undefined) return null;
      const parsed = schema.safeParse(value);
      return parsed.success ? parsed.data : null;
    },
    set(key, value) {
      upsert.run(key, JSON.stringify(value));
    },
    delete(key) {
      remove.run(key);
    },
  };
}
