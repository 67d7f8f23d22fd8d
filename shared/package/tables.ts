/**
 * The package's CSV resources: their columns and Frictionless table schemas. Person and unit
 * columns are derived from the field dictionary (name = the SQLite column, title = the Chinese
 * label), so adding a field to the dictionary adds it to the package; the other resources are fixed.
 *
 * Cell encoding (the same in both directions): empty = null; booleans `true`/`false`; integers and
 * years in decimal; multi-code fields as codes joined by `,`; everything else as stored text.
 */
import { codesOf } from '../census/codes';
import { fieldsOf, type FieldDef, type TableName } from '../census/dictionary';
import type { FieldValue } from '../census/schema';
import { PACKAGE_SCHEMA_VERSION, RESOURCES, type ResourceName } from './layout';

export interface FrictionlessField {
  name: string;
  title?: string;
  description?: string;
  type: 'string' | 'integer' | 'boolean' | 'year' | 'datetime';
  format?: string;
  trueValues?: string[];
  falseValues?: string[];
  constraints?: {
    required?: boolean;
    unique?: boolean;
    enum?: string[];
    pattern?: string;
    minimum?: number;
    maximum?: number;
    maxLength?: number;
  };
}

export interface TableSchema {
  fields: FrictionlessField[];
  primaryKey?: string[];
  foreignKeys?: { fields: string[]; reference: { resource: string; fields: string[] } }[];
  missingValues: string[];
}

/** Columns every person/unit row carries before the dictionary's own */
export const RECORD_HEAD_COLUMNS = ['id', 'area_code'] as const;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function dictionaryField(f: FieldDef): FrictionlessField {
  const base = { name: f.column, title: f.label, description: f.hint };
  const list = f.codeList ? codesOf(f.codeList) : null;
  switch (f.type) {
    case 'integer':
      return { ...base, type: 'integer', constraints: { ...(f.min != null ? { minimum: f.min } : {}), ...(f.max != null ? { maximum: f.max } : {}) } };
    case 'year':
      return { ...base, type: 'year' };
    case 'boolean':
      return { ...base, type: 'boolean', trueValues: ['true'], falseValues: ['false'] };
    case 'code':
      return { ...base, type: 'string', constraints: { enum: list ?? [] } };
    case 'codes': {
      const alt = (list ?? []).map(escapeRe).join('|');
      return { ...base, type: 'string', constraints: { pattern: `(${alt})(,(${alt}))*` } };
    }
    case 'date':
      // Month precision (1985-03) is kept when the ID number cannot supply the day.
      return { ...base, type: 'string', constraints: { pattern: '\\d{4}-\\d{2}(-\\d{2})?' } };
    case 'township':
      return { ...base, type: 'string', constraints: { pattern: '\\d{9}' } };
    case 'idNumber':
    case 'creditCode':
      return { ...base, type: 'string', constraints: { maxLength: 18 } };
    default:
      return { ...base, type: 'string', ...(f.maxLength ? { constraints: { maxLength: f.maxLength } } : {}) };
  }
}

/** The dictionary fields a package of schema `version` carries: those added in that version or before */
export function packageFieldsOf(table: TableName, version: number = PACKAGE_SCHEMA_VERSION): readonly FieldDef[] {
  return fieldsOf[table].filter((f) => (f.since ?? 1) <= version);
}

function recordSchema(table: TableName, version: number): TableSchema {
  return {
    fields: [
      { name: 'id', title: '记录编号', type: 'string', constraints: { required: true, unique: true } },
      { name: 'area_code', title: '行政区划代码', description: '录入该记录的区县（6位）', type: 'string', constraints: { required: true, pattern: '\\d{6}' } },
      ...packageFieldsOf(table, version).map(dictionaryField),
    ],
    primaryKey: ['id'],
    ...(table === 'person' ? { foreignKeys: [{ fields: ['unit_id'], reference: { resource: 'units', fields: ['id'] } }] } : {}),
    missingValues: [''],
  };
}

const str = (name: string, title: string, required = false): FrictionlessField =>
  ({ name, title, type: 'string', ...(required ? { constraints: { required: true } } : {}) });
const tableField: FrictionlessField = { name: 'table', title: '记录类型', type: 'string', constraints: { required: true, enum: ['person', 'unit'] } };
const atField = (name: string, title: string): FrictionlessField => ({ name, title, type: 'string', description: 'ISO 8601 时间' });

const fixedSchemas: Record<Exclude<ResourceName, 'persons' | 'units'>, TableSchema> = {
  explanations: {
    fields: [tableField, str('record_id', '记录编号', true), str('field', '字段'), str('rule', '规则代码', true), str('text', '核实说明', true), str('operator', '填写人'), atField('at', '填写时间')],
    missingValues: [''],
  },
  provenance: {
    fields: [
      tableField,
      str('record_id', '记录编号', true),
      { ...str('origin_package', '最初上报包'), description: '最早携带该记录上报的上报包编号；本级录入的记录为空' },
      str('source_file', '来源文件'),
      str('source_sheet', '来源工作表'),
      { name: 'source_row', title: '来源行号', type: 'integer' },
      str('created_by', '录入人', true),
      atField('created_at', '录入时间'),
      atField('updated_at', '最后修改时间'),
    ],
    primaryKey: ['table', 'record_id'],
    missingValues: [''],
  },
  audit: {
    fields: [
      tableField,
      str('record_id', '记录编号', true),
      { name: 'action', title: '操作', type: 'string', constraints: { required: true, enum: ['create', 'update', 'delete', 'restore', 'import'] } },
      str('field', '字段'),
      { ...str('old_value', '原值'), description: 'JSON' },
      { ...str('new_value', '新值'), description: 'JSON' },
      str('operator', '操作员', true),
      atField('at', '时间'),
    ],
    missingValues: [''],
  },
  duplicate_decisions: {
    fields: [
      str('id_number', '证件号码', true),
      { ...str('areas', '涉及地区'), description: '报送该人员的各区县代码，按代码排序，以逗号分隔' },
      { ...str('chosen_area', '计入地区', true), description: '计入该人员的区县代码；error 表示不是同一人（证件号码有误），各自计入' },
      str('reason', '理由', true),
      str('operator', '决定人'),
      atField('at', '决定时间'),
      { ...str('decided_by', '决定单位所在地区'), description: '作出决定的统计调查的地区代码' },
    ],
    primaryKey: ['id_number'],
    missingValues: [''],
  },
};

/** A resource's table schema as packages of schema `version` write it (default: the current version) */
export function tableSchemaOf(resource: ResourceName, version: number = PACKAGE_SCHEMA_VERSION): TableSchema {
  if (resource === 'persons') return recordSchema('person', version);
  if (resource === 'units') return recordSchema('unit', version);
  return fixedSchemas[resource];
}

/** The CSV header of a resource, in order, as packages of schema `version` write it */
export function columnsOf(resource: ResourceName, version: number = PACKAGE_SCHEMA_VERSION): string[] {
  return tableSchemaOf(resource, version).fields.map((f) => f.name);
}

export function resourceOf(name: ResourceName) {
  return RESOURCES.find((r) => r.name === name)!;
}

export const recordResource: Record<TableName, 'persons' | 'units'> = { person: 'persons', unit: 'units' };

/** A dictionary value as its CSV cell */
export function encodeCell(v: FieldValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(',');
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  return v;
}
