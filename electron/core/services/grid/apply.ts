/**
 * The grid's writes. Every user action (an edit, a paste, a fill, a delete, an undo or a redo) is
 * one `grid.apply` call: one transaction, one audit entry per changed field, and the issues of every
 * record the change can affect, re-validated incrementally.
 */
import type { ApplyResult } from '../../../../shared/api/methods/grid';
import type { ParsedInput } from '../../../../shared/api/contract';
import { ApiError } from '../../../../shared/api/errors';
import { fieldsOf, tableLabels, type FieldDef, type TableName } from '../../../../shared/census/dictionary';
import { PER_PERIOD_FIELDS } from '../../../../shared/census/last-values';
import { countControlChars, normalizeValue, type NormalizeContext } from '../../../../shared/census/normalize';
import { emptyRecord, recordDataSchema, type FieldValue, type RecordData, type RecordRow } from '../../../../shared/census/schema';
import { completeFromIdNumber } from '../../../../shared/census/validate';
import { unescapeFormula } from '../../../../shared/io/escape';
import type { NewAuditEntry } from '../../db';
import { asStored } from '../../db/columns';
import { isoNow, requireSettings, type ServiceContext } from '../context';
import { fillUrbanRuralFromUnits, linkNamedPersons } from '../io/link-units';
import { townshipsOf } from '../io/places';
import { storedValueMappings, valueMapper } from '../io/value-mappings';
import { assertEditable } from '../records';
import { censusIssues, recordsChanged } from '../issues';
import { changedSinceLast } from '../periods/changes';

const MAINLAND_ID = /^\d{17}[\dX]$/;

function isEmpty(v: FieldValue | undefined): boolean {
  return v == null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** How a value is written into the audit log; the same encoding the record services use */
export function auditText(v: FieldValue | undefined): string | null {
  return isEmpty(v) ? null : JSON.stringify(v);
}

export function valuesOf(table: TableName, data: RecordData): FieldValue[] {
  return fieldsOf[table].map((f) => data[f.key] ?? (f.type === 'codes' ? [] : null));
}

/** Units by credit code, then by a name only one unit has: the way the importers resolve a person's unit */
function unitResolver(ctx: ServiceContext): (text: string) => string | null {
  return (text) => {
    const code = text.replace(/\s/g, '').toUpperCase();
    if (/^[0-9A-Z]{18}$/.test(code)) {
      const byCode = ctx.store.units.findByCreditCode(code);
      if (byCode.length === 1) return byCode[0]!.id;
    }
    const byName = ctx.store.units.findByName(text);
    return byName.length === 1 ? byName[0]!.id : null;
  };
}

export function normalizeContext(ctx: ServiceContext): NormalizeContext {
  const townships = townshipsOf(ctx);
  // The census's value mappings apply to pastes as they do to imports.
  return { resolveTownship: (t) => townships.resolve(t), resolveUnit: unitResolver(ctx), mapValue: valueMapper(storedValueMappings(ctx)) };
}

/** Derived values, as on import: a mainland ID number implies 居民身份证, and fills sex and birth date */
function derive(table: TableName, data: RecordData): RecordData {
  if (table !== 'person') return data;
  const out = { ...data };
  if (isEmpty(out.idType) && typeof out.idNumber === 'string' && MAINLAND_ID.test(out.idNumber)) out.idType = '01';
  return completeFromIdNumber(out);
}

function typedValue(table: TableName, f: FieldDef, value: FieldValue): FieldValue {
  const shape = recordDataSchema[table].shape[f.key];
  const parsed = shape?.safeParse(value);
  if (!parsed?.success) throw new ApiError('bad_input', `「${f.label}」的值类型不正确`);
  return parsed.data as FieldValue;
}

export interface ApplyOptions {
  action?: 'update' | 'restore';
}

export function applyChanges(ctx: ServiceContext, input: ParsedInput<'grid.apply'>, opts: ApplyOptions = {}): ApplyResult {
  const settings = requireSettings(ctx);
  const table = input.table;
  const repo = ctx.store.records[table];
  const byKey = new Map(fieldsOf[table].map((f) => [f.key, f]));
  // The cache must be current before the write for the incremental re-validation to apply.
  censusIssues(ctx);
  const now = isoNow(ctx);
  const nctx = normalizeContext(ctx);
  let skipped = 0;
  let cleaned = 0;

  // 批量设置 and fill-down send one value for many rows: a repeated field and scalar is checked once.
  let last: { f: FieldDef; raw: FieldValue; typed: FieldValue } | null = null;
  const typed = (f: FieldDef, raw: FieldValue): FieldValue => {
    if (last && last.f === f && last.raw === raw && (raw === null || typeof raw !== 'object')) return last.typed;
    last = { f, raw, typed: typedValue(table, f, raw) };
    return last.typed;
  };

  const written = ctx.store.tx(() => {
    const createIds = new Set(input.create.map((c) => c.id));
    if (createIds.size !== input.create.length) throw new ApiError('bad_input', '新增记录的编号重复');
    const clash = repo.getMany([...createIds]);
    if (clash.length) throw new ApiError('conflict', `${tableLabels[table]}记录已存在，不能重复新增`);
    const removeIds = new Set(input.remove);

    const patches = new Map<string, RecordData>();
    for (const c of input.create) {
      const data: RecordData = {};
      for (const [k, v] of Object.entries(c.values)) {
        const f = byKey.get(k);
        if (!f) throw new ApiError('bad_input', `没有「${k}」这一列`);
        data[k] = typedValue(table, f, v);
      }
      patches.set(c.id, data);
    }
    const existing = new Map(repo.getMany([...new Set([...input.changes.map((c) => c.id), ...removeIds])]).map((r) => [r.id, r]));
    assertEditable(ctx, table, [...existing.values()]);
    for (const c of input.changes) {
      const f = byKey.get(c.field);
      if (!f || removeIds.has(c.id) || (!existing.has(c.id) && !createIds.has(c.id))) {
        skipped++;
        continue;
      }
      if ('text' in c) cleaned += countControlChars(c.text);
      const value = 'value' in c ? typed(f, c.value) : normalizeValue(f, unescapeFormula(c.text), nctx);
      let patch = patches.get(c.id);
      if (!patch) patches.set(c.id, (patch = {}));
      patch[c.field] = value;
    }

    const audit: NewAuditEntry[] = [];
    const rows: RecordRow[] = [];
    /** Updated records whose 上期 → 本期 may have moved: a field other than a period's own changed */
    const comparable: string[] = [];
    for (const c of input.create) {
      const data = derive(table, { ...emptyRecord(table), ...patches.get(c.id) });
      const row: RecordRow = { id: c.id, areaCode: settings.areaCode, data, source: null, createdBy: settings.operator, createdAt: now, updatedAt: now };
      repo.insert(row);
      rows.push(row);
      audit.push({ table, recordId: c.id, action: 'create', field: null, oldValue: null, newValue: JSON.stringify(data), operator: settings.operator, at: now });
    }
    for (const [id, patch] of patches) {
      const before = existing.get(id);
      if (!before || createIds.has(id)) continue;
      const data = derive(table, { ...before.data, ...patch });
      const changed: RecordData = {};
      for (const f of fieldsOf[table]) {
        // The fields the patch and derive left alone are the same values, not just the same text.
        if (before.data[f.key] === data[f.key] || auditText(before.data[f.key]) === auditText(data[f.key])) continue;
        changed[f.key] = data[f.key] ?? null;
        audit.push({
          table, recordId: id, action: opts.action ?? 'update', field: f.key,
          oldValue: auditText(before.data[f.key]), newValue: auditText(data[f.key]), operator: settings.operator, at: now,
        });
      }
      if (Object.keys(changed).length === 0) continue;
      if (Object.keys(changed).some((k) => !PER_PERIOD_FIELDS.has(k))) comparable.push(id);
      repo.update(id, changed, now);
      rows.push({ ...before, data, updatedAt: now });
    }
    const removed = [...removeIds].flatMap((id) => {
      const r = existing.get(id);
      return r ? [r] : [];
    });
    if (table === 'unit') {
      const used = removed.find((r) => ctx.store.persons.countByUnit(r.id) > 0);
      if (used) throw new ApiError('conflict', `单位「${String(used.data.name ?? '')}」下还有登记人员，请先调整这些人员的所在单位再删除`);
    }
    repo.remove(removed.map((r) => r.id));
    for (const r of removed)
      audit.push({ table, recordId: r.id, action: 'delete', field: null, oldValue: JSON.stringify(r.data), newValue: null, operator: settings.operator, at: now });
    ctx.store.audit.append(audit);
    // A unit registered or renamed: persons whose unit cell holds its name as text now point at it.
    const linked = table === 'unit'
      ? rows.flatMap((r) => (typeof r.data.name === 'string' ? linkNamedPersons(ctx, r.id, r.data.name, settings.operator, now) : []))
      : [];
    if (table === 'unit') linked.push(...fillUrbanRuralFromUnits(ctx, rows, settings.operator, now));
    return { rows, removed: removed.map((r) => r.id), linked, comparable };
  });

  // The written rows as stored, which the re-validation would otherwise read back (100k rows: ~1 s).
  const known = new Map(written.rows.map((r) => [r.id, { ...r, data: asStored(table, r.data) }]));
  const affected = recordsChanged(ctx, [
    ...written.rows.map((r) => ({ table, id: r.id })), ...written.removed.map((id) => ({ table, id })),
    ...written.linked.map((id) => ({ table: 'person' as const, id })),
  ], known);
  const all = censusIssues(ctx);
  const issues: ApplyResult['issues'] = {};
  for (const id of affected[table]) issues[id] = all.of(table, id);
  return {
    rows: written.rows.map((r) => ({ id: r.id, values: valuesOf(table, r.data) })),
    removed: written.removed,
    issues,
    counts: input.areas ? all.countsIn(table, input.areas) : { ...all.tableCounts[table] },
    skipped,
    cleaned,
    previous: lastValuesMoved(ctx, table, written.comparable),
  };
}

/** 上期 → 本期 of these records now: what differs, or nothing (`{}`) where nothing does */
function lastValuesMoved(ctx: ServiceContext, table: TableName, ids: readonly string[]): ApplyResult['previous'] {
  // Only carried records can differ: the others are left out, not told they differ in nothing. In a
  // first census nothing was carried, and an edit pays one lookup.
  const carried = ids.length ? [...ctx.store.periods.carriedOf(table, ids)] : [];
  if (!carried.length) return {};
  const differing = changedSinceLast(ctx, table, carried);
  return Object.fromEntries(carried.map((id) => [id, differing[id] ?? {}]));
}

/** Puts back the old or new value of one audit entry as a new change with action 'restore' */
export function restoreValue(ctx: ServiceContext, input: ParsedInput<'grid.restore'>): ApplyResult {
  const entry = ctx.store.audit.list(input.table, input.recordId).find((e) => e.id === input.auditId);
  if (!entry) throw new ApiError('not_found', '找不到这条修改记录');
  if (!entry.field) throw new ApiError('bad_input', '这条记录是整条新增或删除，不能按单项恢复');
  const f = fieldsOf[input.table].find((x) => x.key === entry.field);
  if (!f) throw new ApiError('bad_input', `「${entry.field}」这一项已不存在，无法恢复`);
  if (!ctx.store.records[input.table].get(input.recordId)) throw new ApiError('not_found', `找不到该${tableLabels[input.table]}记录，可能已被删除`);
  const text = input.side === 'old' ? entry.oldValue : entry.newValue;
  const value = text === null ? (f.type === 'codes' ? [] : null) : (JSON.parse(text) as FieldValue);
  return applyChanges(ctx, { table: input.table, create: [], remove: [], changes: [{ id: input.recordId, field: f.key, value }], areas: input.areas }, { action: 'restore' });
}
