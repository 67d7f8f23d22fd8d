/**
 * Townships of the census area by name or code, for reading township columns (东华门街道, 东华门,
 * 110101001, the 12-digit statistical code 110101001000) and for writing them back as names.
 */
import type { DivisionDto } from '../../../../shared/api/contract';
import type { ServiceContext } from '../context';
import { requireSettings } from '../context';
import { defineSlot } from '../state';
import { resolveTownshipIn, type TownshipIndex } from './township-index';

export interface Townships {
  resolve(text: string): string | null;
  /** The name to write for a code: the plain name when it reads back to the same code, else the code */
  nameOf(code: string): string | null;
  list: DivisionDto[];
  /** What resolve answers from, as plain data (the import's StageSpec carries it) */
  index: TownshipIndex;
}

const SUFFIX = /(街道办事处|街道|地区办事处|办事处|镇|乡|民族乡|苏木|地区)$/;

function townshipsWithin(ctx: ServiceContext, code: string): DivisionDto[] {
  const out: DivisionDto[] = [];
  const walk = (c: string) => {
    for (const child of ctx.divisions.children(c)) {
      if (child.level === 'township') out.push(child);
      else walk(child.code);
    }
  };
  if (ctx.divisions.levelOf(code) === 'township') {
    const d = ctx.divisions.get(code);
    if (d) out.push(d);
  } else walk(code);
  return out;
}

const TOWNSHIPS = defineSlot('townships', () => ({ hit: null as { area: string; townships: Townships } | null }));

export function townshipsOf(ctx: ServiceContext): Townships {
  const settings = requireSettings(ctx);
  const slot = ctx.state.get(TOWNSHIPS);
  const hit = slot.hit;
  if (hit && hit.area === settings.areaCode) return hit.townships;
  const area = ctx.divisions.resolve(settings.areaCode) ?? settings.areaCode;
  const list = townshipsWithin(ctx, area);
  // name → code; a name two townships share maps to null (ambiguous: the clerk must give the code)
  const byName = new Map<string, string | null>();
  const add = (name: string, code: string) => {
    if (!name) return;
    byName.set(name, byName.has(name) && byName.get(name) !== code ? null : code);
  };
  for (const t of list) {
    add(t.name, t.code);
    const county = ctx.divisions.parentOf(t.code);
    if (county) add(county.name + t.name, t.code);
  }
  // Short names (东华门 for 东华门街道) only where they are not already a full name
  for (const t of list) {
    const short = t.name.replace(SUFFIX, '');
    if (short && short !== t.name && short.length >= 2 && !list.some((o) => o.name === short)) add(`~${short}`, t.code);
  }
  const index: TownshipIndex = { byName, codes: new Set(list.map((t) => t.code)) };
  const names = new Map(list.map((t) => [t.code, t.name]));
  const townships: Townships = {
    list,
    index,
    resolve: (text) => resolveTownshipIn(index, text),
    nameOf(code) {
      const name = names.get(code);
      if (!name) return null;
      return byName.get(name) === code ? name : null;
    },
  };
  slot.hit = { area: settings.areaCode, townships };
  return townships;
}
