/**
 * Persons and units: list, read, create, update, remove, validate. Every write is one transaction
 * that also appends to the audit log, and returns the record's issues so the UI can mark it at once.
 */
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../shared/api/errors';
import { LEAVE_CODES } from '../../../shared/census/change';
import { fieldsOf, tableLabels, type TableName } from '../../../shared/census/dictionary';
import type { Issue } from '../../../shared/census/issues';
import { emptyRecord, type FieldValue, type RecordData, type RecordRow } from '../../../shared/census/schema';
import { completeFromIdNumber, validateRecord, type CrossLookups } from '../../../shared/census/validate';
import { isoNow, requireSettings, validationContext, type ServiceContext } from './context';
import { fillUrbanRuralFromUnits, linkNamedPersons } from './io/link-units';
import { recordsChanged } from './issues';

function repo(ctx: ServiceContext, table: TableName) {
  return table === 'person' ? ctx.store.persons : ctx.store.units;
}

/** Cross-record facts for one record, answered by the store instead of a whole-census pass. */
function storeLookups(ctx: ServiceContext, table: TableName, selfId: string | undefined, data: RecordData): CrossLookups {
  if (table === 'person') {
    return {
      // Per area: a person also reported by another area is a duplicates-view case, not an error.
      personsWithIdNumber: (idNumber, area) => {
        const others = ctx.store.persons.findByIdNumber(idNumber).filter((r) => r.id !== selfId && (area === undefined || r.areaCode === area)).length;
        return others + (data.idNumber ? 1 : 0);
      },
      unitExists: (unitId) => ctx.store.units.get(unitId) != null,
    };
  }
  return {
    personsInUnit: (unitId) => ctx.store.persons.countByUnitExcept(unitId, LEAVE_CODES),
    unitsWithCreditCode: (code, area) =>
      ctx.store.units.findByCreditCode(code).filter((r) => r.id !== selfId && (area === undefined || r.areaCode === area)).length + 1,
  };
}

export function recordIssues(ctx: ServiceContext, table: TableName, id: string | undefined, data: RecordData): Issue[] {
  const settings = requireSettings(ctx);
  const area = (id !== undefined ? ctx.store.records[table].get(id)?.areaCode : undefined) ?? settings.areaCode;
  return validateRecord(table, id ?? 'new', data, validationContext(ctx, settings), storeLookups(ctx, table, id, data), area);
}

function normalizeData(table: TableName, data: RecordData): RecordData {
  return table === 'person' ? completeFromIdNumber(data) : data;
}

function encode(v: FieldValue | undefined): string | null {
  return v == null || (Array.isArray(v) && v.length === 0) || v === '' ? null : JSON.stringify(v);
}

function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  return encode(a) === encode(b);
}

function mustGet(ctx: ServiceContext, table: TableName, id: string): RecordRow {
  const row = repo(ctx, table).get(id);
  if (!row) throw new ApiError('not_found', `找不到该${tableLabels[table]}记录，可能已被删除`);
  return row;
}

/**
 * Records received from sub-areas are read-only at an upper level: the sub-area's next package would
 * replace any edit, so the way to get a record corrected is 审核退回 (feedback.add).
 */
export function assertEditable(ctx: ServiceContext, table: TableName, rows: readonly Pick<RecordRow, 'areaCode' | 'data'>[]): void {
  const s = requireSettings(ctx);
  if (s.level === 'county') return;
  const received = rows.find((r) => r.areaCode !== s.areaCode);
  if (!received) return;
  const from = ctx.divisions.get(received.areaCode)?.name ?? received.areaCode;
  throw new ApiError('conflict',
    `${tableLabels[table]}「${String(received.data.name ?? '')}」由${from}报送，在本级只读：这里的修改会被${from}下次上报覆盖。请用“审核退回”提出核实意见，由${from}更正后重新上报。`,
    { reason: 'received_record', areaCode: received.areaCode });
}

export function getRecord(ctx: ServiceContext, table: TableName, id: string) {
  const row = mustGet(ctx, table, id);
  return { row, issues: recordIssues(ctx, table, id, row.data) };
}

export function createRecord(ctx: ServiceContext, table: TableName, patch: Partial<RecordData>) {
  const settings = requireSettings(ctx);
  const now = isoNow(ctx);
  const data = normalizeData(table, { ...emptyRecord(table), ...definedOnly(patch) });
  const row: RecordRow = {
    id: randomUUID(),
    areaCode: settings.areaCode,
    data,
    source: null,
    createdBy: settings.operator,
    createdAt: now,
    updatedAt: now,
  };
  const linked = ctx.store.tx(() => {
    repo(ctx, table).insert(row);
    ctx.store.audit.append([
      { table, recordId: row.id, action: 'create', field: null, oldValue: null, newValue: JSON.stringify(data), operator: settings.operator, at: now },
    ]);
    return linkByName(ctx, table, row.id, data, settings.operator, now);
  });
  recordsChanged(ctx, [{ table, id: row.id }, ...linked.map((id) => ({ table: 'person' as const, id }))]);
  return { row, issues: recordIssues(ctx, table, row.id, data) };
}

/** A unit registered or renamed links the persons whose unit cell holds its name as text */
function linkByName(ctx: ServiceContext, table: TableName, id: string, data: RecordData, operator: string, at: string): string[] {
  return table === 'unit' && typeof data.name === 'string' ? linkNamedPersons(ctx, id, data.name, operator, at) : [];
}

function definedOnly(patch: Partial<RecordData>): RecordData {
  const out: RecordData = {};
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) out[k] = v;
  return out;
}

export function updateRecord(ctx: ServiceContext, table: TableName, id: string, patch: Partial<RecordData>, action: 'update' | 'restore' = 'update') {
  const settings = requireSettings(ctx);
  const now = isoNow(ctx);
  let linked: string[] = [];
  const result = ctx.store.tx(() => {
    const before = mustGet(ctx, table, id);
    assertEditable(ctx, table, [before]);
    const data = normalizeData(table, { ...before.data, ...definedOnly(patch) });
    const changes = fieldsOf[table].filter((f) => !sameValue(before.data[f.key], data[f.key]));
    if (changes.length === 0) return before;
    if (changes.some((f) => f.key === 'name')) linked = linkByName(ctx, table, id, data, settings.operator, now);
    repo(ctx, table).update(id, data, now);
    if (table === 'unit' && changes.some((f) => f.key === 'urbanRural')) linked = [...linked, ...fillUrbanRuralFromUnits(ctx, [{ id, data }], settings.operator, now)];
    ctx.store.audit.append(
      changes.map((f) => ({
        table, recordId: id, action, field: f.key,
        oldValue: encode(before.data[f.key]), newValue: encode(data[f.key]),
        operator: settings.operator, at: now,
      })),
    );
    return { ...before, data, updatedAt: now };
  });
  recordsChanged(ctx, [{ table, id }, ...linked.map((p) => ({ table: 'person' as const, id: p }))]);
  return { row: result, issues: recordIssues(ctx, table, id, result.data) };
}

export function removeRecords(ctx: ServiceContext, table: TableName, ids: string[]): { removed: number } {
  const settings = requireSettings(ctx);
  const now = isoNow(ctx);
  const removed = ctx.store.tx(() => {
    const rows = repo(ctx, table).getMany(ids);
    assertEditable(ctx, table, rows);
    if (table === 'unit') {
      const used = rows.filter((r) => ctx.store.persons.countByUnit(r.id) > 0);
      if (used.length)
        throw new ApiError('conflict', `单位「${String(used[0]!.data.name ?? '')}」下还有登记人员，请先调整这些人员的所在单位再删除`);
    }
    repo(ctx, table).remove(rows.map((r) => r.id));
    ctx.store.audit.append(
      rows.map((r) => ({ table, recordId: r.id, action: 'delete' as const, field: null, oldValue: JSON.stringify(r.data), newValue: null, operator: settings.operator, at: now })),
    );
    return rows;
  });
  recordsChanged(ctx, removed.map((r) => ({ table, id: r.id })));
  return { removed: removed.length };
}
