/**
 * People reported by more than one area: records with the same ID number and different area codes
 * (the county each record was entered in). A case is pending until a decision covering exactly
 * that set of areas is in force: this level's own latest decision, or else one that arrived in a
 * current sub-area package (decisions travel upward). When the set of areas changes (a third area
 * reports the person, or one stops), the case is pending again.
 *
 * Decisions: `chosenArea` = the area whose record counts (the others' records are not counted), or
 * 'error' = not the same person (one ID number is wrong) — every record counts.
 */
import type { MethodOutput, ParsedInput } from '../../../../shared/api/contract';
import { ApiError } from '../../../../shared/api/errors';
import type { RecordData } from '../../../../shared/census/schema';
import type { CrossAreaPerson } from '../../db';
import { isoNow, requireSettings, touch, type ServiceContext } from '../context';
import { defineSlot, type Versioned } from '../state';
import { packageIndex } from './origins';

export interface EffectiveDecision {
  chosenArea: string;
  reason: string;
  operator: string;
  at: string;
  /** Area code of the census that decided */
  decidedBy: string;
  source: 'own' | 'package';
}

export interface DuplicateGroup {
  idNumber: string;
  /** Distinct area codes, sorted */
  areas: string[];
  records: { id: string; areaCode: string }[];
  decision: EffectiveDecision | null;
  /** A decision on this ID number that no longer applies because the set of areas changed */
  staleDecision: EffectiveDecision | null;
}

const CROSS_AREA = defineSlot('cross-area persons', () => ({ hit: null as Versioned<CrossAreaPerson[]> | null }));

function crossAreaPersons(ctx: ServiceContext): CrossAreaPerson[] {
  const slot = ctx.state.get(CROSS_AREA);
  const version = ctx.store.version();
  if (slot.hit && slot.hit.version === version) return slot.hit.value;
  // A county's records all carry its own code: there is nothing to find, so skip the scan.
  const persons = ctx.store.settings.get()?.level === 'county' ? [] : ctx.store.duplicates.crossAreaPersons();
  slot.hit = { version, value: persons };
  return persons;
}

/** Groups cross-area rows (ordered by ID number) and attaches the decision in force. */
function resolve(ctx: ServiceContext, rows: readonly CrossAreaPerson[]): DuplicateGroup[] {
  const settings = ctx.store.settings.get();
  const own = ctx.store.duplicates.latestDecisions();
  const fromPackages = new Map<string, (EffectiveDecision & { areas: string })[]>();
  for (const d of ctx.store.packages.currentDecisions()) {
    const list = fromPackages.get(d.idNumber) ?? [];
    list.push({ chosenArea: d.chosenArea, reason: d.reason, operator: d.operator, at: d.at, decidedBy: d.decidedBy, source: 'package', areas: d.areas });
    fromPackages.set(d.idNumber, list);
  }
  const groups: DuplicateGroup[] = [];
  let i = 0;
  while (i < rows.length) {
    const idNumber = rows[i]!.idNumber;
    const records: { id: string; areaCode: string }[] = [];
    for (; i < rows.length && rows[i]!.idNumber === idNumber; i++) records.push({ id: rows[i]!.id, areaCode: rows[i]!.areaCode });
    const areas = [...new Set(records.map((r) => r.areaCode))].sort();
    if (areas.length < 2) continue;
    const key = areas.join(',');
    const mine = own.get(idNumber);
    const mineEff: EffectiveDecision | null = mine
      ? { chosenArea: mine.chosenArea, reason: mine.reason, operator: mine.operator, at: mine.at, decidedBy: settings?.areaCode ?? '', source: 'own' }
      : null;
    const theirs = fromPackages.get(idNumber)?.find((d) => d.areas === key) ?? null;
    let decision: EffectiveDecision | null = null;
    if (mine && mine.areas === key) decision = mineEff;
    else if (theirs) decision = { chosenArea: theirs.chosenArea, reason: theirs.reason, operator: theirs.operator, at: theirs.at, decidedBy: theirs.decidedBy, source: 'package' };
    groups.push({ idNumber, areas, records, decision, staleDecision: decision ? null : mineEff });
  }
  return groups;
}

export function duplicateGroups(ctx: ServiceContext): DuplicateGroup[] {
  return resolve(ctx, crossAreaPersons(ctx));
}

/** Cases involving the given ID numbers, read fresh (used right after a merge) */
export function duplicateGroupsFor(ctx: ServiceContext, idNumbers: readonly string[]): DuplicateGroup[] {
  return resolve(ctx, ctx.store.duplicates.crossAreaPersonsFor(idNumbers));
}

/**
 * Per package (given by its area codes; current packages' areas never overlap), how many pending cases
 * involve an ID number carried by one of its persons — what `duplicateGroupsFor` on each package's
 * ID numbers would count, from one scan of the census instead of one query per package.
 */
export function pendingCasesPerPackage(ctx: ServiceContext, packages: readonly (readonly string[])[]): number[] {
  const out = packages.map(() => 0);
  const pending = duplicateGroups(ctx).filter((g) => !g.decision);
  if (!pending.length) return out;
  const packageOf = new Map<string, number>();
  packages.forEach((areas, i) => areas.forEach((a) => packageOf.set(a, i)));
  // Every person with the ID number counts, also one who left (变动情况 3x), as a package's ID numbers do
  const touched = new Map<string, Set<number>>();
  for (let i = 0; i < pending.length; i += 5000) {
    for (const p of ctx.store.packages.personsWithIdNumbersNotFrom(pending.slice(i, i + 5000).map((g) => g.idNumber), [])) {
      const k = packageOf.get(p.areaCode);
      if (k === undefined) continue;
      const set = touched.get(p.idNumber) ?? new Set<number>();
      set.add(k);
      touched.set(p.idNumber, set);
    }
  }
  for (const set of touched.values()) for (const k of set) out[k]!++;
  return out;
}

/** Decisions in force on current cases, as they travel upward in this level's package */
export function decisionsForExport(ctx: ServiceContext) {
  return duplicateGroups(ctx)
    .filter((g) => g.decision)
    .map((g) => ({ idNumber: g.idNumber, areas: g.areas.join(','), ...g.decision! }));
}

function areaName(ctx: ServiceContext, code: string): string {
  return ctx.divisions.get(code)?.path ?? code;
}

export function listDuplicates(ctx: ServiceContext, q: ParsedInput<'packages.duplicates'>): MethodOutput<'packages.duplicates'> {
  requireSettings(ctx);
  const all = duplicateGroups(ctx);
  const pending = all.filter((g) => !g.decision).length;
  const chosen = all.filter((g) => (q.status === 'pending' ? !g.decision : q.status === 'decided' ? g.decision : true));
  const page = chosen.slice(q.offset, q.offset + q.limit);
  const ids = page.flatMap((g) => g.records.map((r) => r.id));
  const rows = new Map(ctx.store.persons.getMany(ids).map((r) => [r.id, r]));
  const index = packageIndex(ctx);
  const unitIds = [...rows.values()].map((r) => r.data.unitId).filter((u): u is string => typeof u === 'string');
  const unitNames = new Map(ctx.store.units.getMany(unitIds).map((u) => [u.id, typeof u.data.name === 'string' ? u.data.name : '']));
  return {
    total: chosen.length,
    pending,
    decided: all.length - pending,
    items: page.map((g) => ({
      idNumber: g.idNumber,
      status: g.decision ? ('decided' as const) : ('pending' as const),
      areas: g.areas.map((code) => ({ code, name: areaName(ctx, code) })),
      records: g.records.map((r) => {
        const row = rows.get(r.id);
        const data: RecordData = row?.data ?? {};
        const unitId = typeof data.unitId === 'string' ? data.unitId : null;
        const origin = index.packageOf(r.areaCode)?.areaCode ?? null;
        return {
          id: r.id,
          areaCode: r.areaCode,
          areaName: areaName(ctx, r.areaCode),
          originArea: origin,
          originAreaName: origin ? areaName(ctx, origin) : null,
          data,
          unitName: unitId ? (unitNames.get(unitId) ?? null) : null,
          townshipName: typeof data.township === 'string' ? (ctx.divisions.get(data.township)?.name ?? null) : null,
          counted: g.decision ? g.decision.chosenArea === 'error' || g.decision.chosenArea === r.areaCode : null,
        };
      }),
      decision: g.decision ? { ...g.decision, chosenAreaName: g.decision.chosenArea === 'error' ? null : areaName(ctx, g.decision.chosenArea) } : null,
      staleDecision: g.staleDecision ? { ...g.staleDecision, chosenAreaName: g.staleDecision.chosenArea === 'error' ? null : areaName(ctx, g.staleDecision.chosenArea) } : null,
    })),
  };
}

export function decideDuplicate(ctx: ServiceContext, input: ParsedInput<'packages.decideDuplicate'>): { ok: true; pending: number } {
  const settings = requireSettings(ctx);
  const group = duplicateGroupsFor(ctx, [input.idNumber])[0];
  if (!group) throw new ApiError('not_found', `证件号码 ${input.idNumber} 目前没有被两个地区同时报送，无需处理`);
  if (input.chosenArea !== 'error' && !group.areas.includes(input.chosenArea))
    throw new ApiError('bad_input', `所选地区 ${input.chosenArea} 不是报送该人员的地区之一`);
  ctx.store.duplicates.addDecision({
    idNumber: group.idNumber,
    areas: group.areas.join(','),
    recordIds: JSON.stringify(group.records.map((r) => r.id)),
    chosenArea: input.chosenArea,
    reason: input.reason,
    operator: settings.operator,
    at: isoNow(ctx),
  });
  touch(ctx);
  return { ok: true, pending: duplicateGroups(ctx).filter((g) => !g.decision).length };
}
