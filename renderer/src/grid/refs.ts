/**
 * The reference lists every grid shows by name and picks from (units, townships), kept for the page's
 * life: the core answers `unchanged` while its lists hash the same, so a grid opened again at national
 * scale (103k units, 10 MB of JSON and a pinyin index over every name) costs one small request.
 */
import type { FieldValue } from '../../../shared/census/schema';
import { call } from '../api/client';
import { OptionIndex } from './search';

export interface Refs {
  unitNames: ReadonlyMap<string, string>;
  townshipNames: ReadonlyMap<string, string>;
  unitOptions: OptionIndex<FieldValue>;
  townshipOptions: OptionIndex<FieldValue>;
}

let held: { key: string; refs: Refs } | null = null;

export async function loadRefs(): Promise<Refs> {
  const reply = await call('grid.refs', held ? { known: held.key } : {});
  if (reply.unchanged) {
    if (held?.key === reply.key) return held.refs;
    // Only if the page forgot what it held while the request was out: ask for the lists themselves.
    held = null;
    return loadRefs();
  }
  const refs: Refs = {
    unitNames: new Map(reply.units.map((u) => [u.id, u.name])),
    townshipNames: new Map(reply.townships.map((t) => [t.code, t.name])),
    unitOptions: new OptionIndex(reply.units.map((u) => ({ value: u.id, label: u.name, hint: u.creditCode ?? '', also: u.creditCode ? [u.creditCode] : [] }))),
    townshipOptions: new OptionIndex(reply.townships.map((t) => ({ value: t.code, label: t.name, hint: t.code }))),
  };
  // Ready before a clerk types pinyin into a picker, without holding the first rows back (search.ts)
  refs.unitOptions.warm();
  refs.townshipOptions.warm();
  held = { key: reply.key, refs };
  return refs;
}
