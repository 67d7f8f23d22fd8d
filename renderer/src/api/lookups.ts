/** Reference data the forms and lists need: the census area's townships and the unit names. */
import { useEffect, useRef, useState } from 'react';
import type { DivisionDto } from '../../../shared/api/contract';
import { call } from './client';

export interface UnitOption {
  id: string;
  name: string;
  creditCode: string | null;
}

const UNIT_OPTION_LIMIT = 1000;

/**
 * Loads a lookup list once per key; null skips loading. A failed load leaves the list empty: the
 * fields that use it fall back to showing codes (township) or a "not found" option (unit).
 */
function useLookup<T>(key: string | null, load: (key: string) => Promise<T[]>): T[] {
  const [list, setList] = useState<T[]>([]);
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    if (key === null) return;
    let live = true;
    loader
      .current(key)
      .then((rows) => {
        if (live) setList(rows);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [key]);
  return list;
}

/** Every township of the census area (a city's or province's included); null skips loading. */
export function useTownships(areaCode: string | null): DivisionDto[] {
  return useLookup(areaCode, () => call('divisions.townships', {}));
}

export function useUnitOptions(enabled: boolean): UnitOption[] {
  return useLookup(enabled ? 'units' : null, () => call('units.options', { limit: UNIT_OPTION_LIMIT }));
}

/** Names of the given unit ids: the options list first, then one lookup per id it did not cover. */
export async function unitNames(ids: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const wanted = [...new Set(ids.filter((id) => id !== ''))];
  if (wanted.length === 0) return names;
  const options = await call('units.options', { limit: UNIT_OPTION_LIMIT });
  for (const o of options) names.set(o.id, o.name);
  const missing = wanted.filter((id) => !names.has(id));
  await Promise.all(
    missing.map(async (id) => {
      try {
        const r = await call('units.get', { id });
        const name = r.row.data.name;
        if (typeof name === 'string') names.set(id, name);
      } catch {
        // A dangling reference shows as 未知单位; the validation rules report it.
      }
    }),
  );
  return names;
}
