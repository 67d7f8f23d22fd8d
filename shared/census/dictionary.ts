/**
 * The field dictionary: the single source of truth for both record types. Grid columns, zod
 * schemas, validation, Excel templates, the importers' header mapping, package table schemas and
 * report labels are all derived from these entries. Adding a field is one entry here plus a migration.
 */
import type { CodeListId } from './codes';

export type TableName = 'person' | 'unit';

export type FieldType =
  | 'text'
  | 'code' // one code of `codeList`
  | 'codes' // several codes of `codeList`, stored in order
  | 'date' // YYYY-MM-DD
  | 'year' // four-digit year
  | 'integer'
  | 'boolean' // 是 / 否, coded through the yesNo list at the edges
  | 'idNumber' // GB 11643
  | 'creditCode' // GB 32100
  | 'phone'
  | 'township' // 9-digit township code inside the census area
  | 'unitRef'; // id of a unit record

export type FieldGroup = '基本信息' | '学历与资格' | '单位与岗位' | '服务与培训';

export interface FieldDef {
  readonly table: TableName;
  readonly key: string;
  /** SQLite column name */
  readonly column: string;
  readonly label: string;
  readonly type: FieldType;
  readonly codeList?: CodeListId;
  /** true: always required; a string: required under the condition described by the rule of that code */
  readonly required: boolean;
  readonly group: FieldGroup;
  /** Other header texts township spreadsheets use for this column */
  readonly synonyms: readonly string[];
  /** One line for the template's 填表说明 sheet and the grid's header tooltip */
  readonly hint: string;
  readonly maxLength?: number;
  readonly min?: number;
  readonly max?: number;
  /** Derived from another field (ID number → sex, birth date): the grid fills it automatically */
  readonly derivedFrom?: string;
  /** Grid hints: width in px and whether the column is pinned left */
  readonly grid: { readonly width: number; readonly pinned?: boolean };
  /** Excel hints: column width in characters; `text` forces the cell format to text (@) */
  readonly excel: { readonly width: number; readonly text?: boolean };
  /**
   * The return-package schema version that added this column (absent: 1). A package of an earlier
   * version has no such column and is read with the field empty (shared/package/tables.ts).
   */
  readonly since?: number;
  /**
   * Written by the program when a census is started from the last one, never entered: not in the
   * grid, the form, templates or import mappings; travels in packages so every level can use it.
   */
  readonly carried?: true;
}

type Def = Omit<FieldDef, 'table' | 'column' | 'synonyms' | 'grid' | 'excel'> &
  Partial<Pick<FieldDef, 'synonyms' | 'column'>> & { grid?: Partial<FieldDef['grid']>; excel?: Partial<FieldDef['excel']> };

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

const defaultWidth: Record<FieldType, number> = {
  text: 120, code: 110, codes: 180, date: 110, year: 80, integer: 90, boolean: 80,
  idNumber: 180, creditCode: 180, phone: 120, township: 160, unitRef: 200,
};

/** `const` keeps each entry's key as its literal, so FieldKey below is derived from the entries themselves. */
function defs<const E extends readonly Def[]>(table: TableName, entries: E): readonly (FieldDef & { readonly key: E[number]['key'] })[] {
  return entries.map((d) => ({
    ...d,
    table,
    column: d.column ?? snake(d.key),
    synonyms: d.synonyms ?? [],
    grid: { width: d.grid?.width ?? defaultWidth[d.type], ...(d.grid?.pinned ? { pinned: true } : {}) },
    excel: {
      width: d.excel?.width ?? Math.max(8, Math.round((d.grid?.width ?? defaultWidth[d.type]) / 8)),
      ...(d.excel?.text || d.type === 'idNumber' || d.type === 'phone' || d.type === 'creditCode' || d.type === 'township'
        ? { text: true }
        : {}),
    },
  }));
}

export const personFields = defs('person', [
  { key: 'name', label: '姓名', type: 'text', required: true, group: '基本信息', maxLength: 50,
    synonyms: ['人员姓名', '名字'], hint: '与证件上的姓名一致', grid: { width: 100, pinned: true } },
  { key: 'idType', label: '证件类型', type: 'code', codeList: 'idType', required: true, group: '基本信息',
    hint: '一般为居民身份证' },
  { key: 'idNumber', label: '证件号码', type: 'idNumber', required: true, group: '基本信息',
    synonyms: ['身份证号', '身份证号码', '公民身份号码', '身份证', '证件号'],
    hint: '18位公民身份号码；请将单元格设为文本格式，避免末尾数字被改为0', grid: { pinned: true } },
  // Required only in a census started from the last one (rule change_required), so not `required` here.
  { key: 'change', label: '变动情况', type: 'code', codeList: 'change', required: false, group: '基本信息', column: 'change_status',
    synonyms: ['人员变动情况', '变动', '变动类型', '增减情况', '人员变动'], since: 3, grid: { width: 150 },
    hint: '与上期相比：留任；新增（新入职、调入、其他）；离开（调出本地区、离职、退休、死亡、其他）' },
  { key: 'sex', label: '性别', type: 'code', codeList: 'sex', required: true, group: '基本信息', derivedFrom: 'idNumber',
    hint: '由身份证号码自动得出，须与之一致', grid: { width: 70 } },
  { key: 'birthDate', label: '出生日期', type: 'date', required: true, group: '基本信息', derivedFrom: 'idNumber',
    synonyms: ['出生年月', '出生年月日', '生日'], hint: '由身份证号码自动得出，格式如 1985-03-15' },
  { key: 'ethnicity', label: '民族', type: 'code', codeList: 'ethnicity', required: true, group: '基本信息',
    hint: '按 GB 3304 填写，如 汉族' },
  { key: 'political', label: '政治面貌', type: 'code', codeList: 'political', required: true, group: '基本信息',
    hint: '按 GB/T 4762 填写，如 中共党员、群众' },
  { key: 'phone', label: '手机', type: 'phone', required: false, group: '基本信息',
    synonyms: ['手机号', '手机号码', '联系电话', '电话'], hint: '11位手机号码' },
  { key: 'education', label: '学历', type: 'code', codeList: 'education', required: true, group: '学历与资格',
    synonyms: ['文化程度', '最高学历'], hint: '最高学历，如 大学本科、大学专科' },
  { key: 'majorCategory', label: '专业类别', type: 'code', codeList: 'majorCategory', required: true, group: '学历与资格',
    synonyms: ['所学专业类别', '专业类型'], hint: '社会工作、相关专业（社会学等）或其他' },
  { key: 'majorName', label: '专业名称', type: 'text', required: false, group: '学历与资格', maxLength: 50,
    synonyms: ['所学专业', '专业'], hint: '毕业证书上的专业名称' },
  { key: 'qualLevel', label: '职业资格等级', type: 'code', codeList: 'qualLevel', required: true, group: '学历与资格',
    synonyms: ['职业资格', '持证情况', '社工证等级', '社工证', '资格等级'], hint: '无、助理社会工作师、社会工作师或高级社会工作师',
    grid: { width: 130 } },
  { key: 'certNumber', label: '证书管理号', type: 'text', required: false, group: '学历与资格', maxLength: 18,
    synonyms: ['证书编号', '证书号', '管理号'], hint: '18位证书管理号；持证人员必填', excel: { text: true }, grid: { width: 170 } },
  { key: 'certYear', label: '取得年份', type: 'year', required: false, group: '学历与资格',
    synonyms: ['取证年份', '取得证书年份', '发证年份'], hint: '取得职业资格证书的年份；持证人员必填' },
  { key: 'regStatus', label: '证书登记状态', type: 'code', codeList: 'registration', required: false, group: '学历与资格', since: 3,
    synonyms: ['登记状态', '证书登记', '是否登记'], hint: '持证人员填写：未登记或已登记（职业资格证书登记）', grid: { width: 100 } },
  { key: 'regValidUntil', label: '登记有效期至', type: 'date', required: false, group: '学历与资格', since: 3,
    synonyms: ['登记有效期', '有效期至', '登记有效期截止'], hint: '已登记的持证人员填写登记有效期的截止日期，如 2028-06-30' },
  { key: 'titleLevel', label: '职称级别', type: 'code', codeList: 'titleLevel', required: false, group: '学历与资格',
    synonyms: ['职称'], hint: '无、初级、中级、副高级、正高级' },
  { key: 'personCategory', label: '人员类别', type: 'code', codeList: 'personCategory', required: true, group: '单位与岗位', since: 3,
    synonyms: ['人员身份', '人员类型', '身份类别'], hint: '按统计范围选一项：社区工作者、“两委”成员、社工机构、社工站、事业单位社工岗位等',
    grid: { width: 200 } },
  { key: 'unitId', label: '所在单位', type: 'unitRef', required: true, group: '单位与岗位', column: 'unit_id',
    synonyms: ['工作单位', '单位名称', '单位'], hint: '须是单位表中已登记的单位' },
  { key: 'township', label: '工作地乡镇（街道）', type: 'township', required: true, group: '单位与岗位',
    synonyms: ['乡镇（街道）', '乡镇(街道)', '工作地乡镇(街道)', '乡镇街道', '所在乡镇', '乡镇', '街道'],
    hint: '本区县内的乡镇（街道），填名称或9位代码' },
  { key: 'urbanRural', label: '城乡', type: 'code', codeList: 'urbanRural', required: true, group: '单位与岗位',
    synonyms: ['城乡属性', '城乡类别'], hint: '城镇或乡村', grid: { width: 70 } },
  { key: 'postCategory', label: '岗位类别', type: 'code', codeList: 'postCategory', required: true, group: '单位与岗位',
    hint: '管理、专业技术、工勤技能或未分类' },
  { key: 'swPost', label: '是否社会工作专业岗位', type: 'boolean', codeList: 'yesNo', required: true, group: '单位与岗位',
    synonyms: ['社工岗位', '是否社工岗位', '社会工作专业岗位'], hint: '是或否' },
  { key: 'staffing', label: '编制情况', type: 'code', codeList: 'staffing', required: true, group: '单位与岗位', since: 3,
    synonyms: ['编制', '编制类型', '是否在编'], hint: '行政编制、事业编制或无编制' },
  { key: 'employmentType', label: '用工方式', type: 'code', codeList: 'employmentType', required: false, group: '单位与岗位', since: 3,
    synonyms: ['用工形式', '聘用形式', '聘用方式'], hint: '劳动合同、劳务派遣、购买服务、公益性岗位、兼职或其他；无编制人员必填' },
  { key: 'domains', label: '服务领域', type: 'codes', codeList: 'domain', required: true, group: '服务与培训',
    synonyms: ['从事领域', '服务领域（可多选）'], hint: '可多选，用顿号或逗号分隔', grid: { width: 220 } },
  { key: 'primaryDomain', label: '主要领域', type: 'code', codeList: 'domain', required: true, group: '服务与培训',
    synonyms: ['主要服务领域'], hint: '须是所填服务领域之一', grid: { width: 130 } },
  { key: 'startYear', label: '从事社会工作起始年', type: 'year', required: false, group: '服务与培训',
    synonyms: ['从业起始年份', '参加社会工作年份', '起始年份'], hint: '四位年份，如 2015', grid: { width: 100 } },
  { key: 'trainingHours', label: '统计期培训学时', type: 'integer', required: false, group: '服务与培训', min: 0, max: 2000,
    synonyms: ['培训学时', '年度培训学时', '学时'], hint: '统计期内参加培训的学时数' },
  { key: 'cumTrainingHours', label: '规划期累计培训学时', type: 'integer', required: false, group: '服务与培训', min: 0, max: 10000, since: 3,
    synonyms: ['累计培训学时', '十五五累计培训学时', '十四五累计培训学时', '规划期培训学时'],
    hint: '规划期（默认“十五五”2026–2030年）内累计参加社会工作培训的学时数，含统计期学时', grid: { width: 110 } },
  // The certificate level the person had in the last census: new holders and holders lost (表6) at
  // every level, from the records alone. Set for every carried person (0 when the last value was unusable).
  { key: 'prevQualLevel', label: '上期职业资格等级', type: 'code', codeList: 'qualLevel', required: false, group: '学历与资格',
    since: 3, carried: true, hint: '上期统计时的职业资格等级，由程序沿用上期名单时填写' },
]);

export const unitFields = defs('unit', [
  { key: 'name', label: '单位名称', type: 'text', required: true, group: '基本信息', maxLength: 100,
    synonyms: ['单位', '机构名称'], hint: '单位全称', grid: { width: 220, pinned: true } },
  { key: 'creditCode', label: '统一社会信用代码', type: 'creditCode', required: false, group: '基本信息',
    synonyms: ['信用代码', '社会信用代码', '组织机构代码'], hint: '18位代码；没有的请填写无代码原因', grid: { pinned: true } },
  { key: 'noCreditReason', label: '无代码原因', type: 'text', required: false, group: '基本信息', maxLength: 100,
    synonyms: ['无信用代码原因'], hint: '没有统一社会信用代码时必填' },
  { key: 'unitType', label: '单位类型', type: 'code', codeList: 'unitType', required: true, group: '单位与岗位',
    synonyms: ['单位性质', '单位类别'], hint: '党政机关、事业单位、群团组织、社工机构等' },
  { key: 'township', label: '所在乡镇（街道）', type: 'township', required: true, group: '单位与岗位',
    synonyms: ['乡镇（街道）', '乡镇(街道)', '所在乡镇(街道)', '乡镇', '街道'], hint: '本区县内的乡镇（街道），填名称或9位代码' },
  { key: 'urbanRural', label: '城乡', type: 'code', codeList: 'urbanRural', required: true, group: '单位与岗位',
    synonyms: ['城乡属性'], hint: '城镇或乡村', grid: { width: 70 } },
  { key: 'isStation', label: '是否乡镇（街道）社工站', type: 'boolean', codeList: 'yesNo', required: true, group: '单位与岗位',
    synonyms: ['是否社工站', '社工站'], hint: '是或否' },
  { key: 'staffCount', label: '从业人员数', type: 'integer', required: false, group: '服务与培训', min: 0, max: 1000000,
    synonyms: ['职工人数', '从业人数'], hint: '单位全部从业人员' },
  { key: 'swPostCount', label: '社会工作专业岗位数', type: 'integer', required: false, group: '服务与培训', min: 0, max: 100000,
    synonyms: ['社工岗位数'], hint: '单位设置的社会工作专业岗位数' },
  { key: 'reportedSwCount', label: '报告的社会工作人员数', type: 'integer', required: false, group: '服务与培训', min: 0, max: 100000,
    synonyms: ['社会工作人员数', '社工人数'], hint: '单位报告的社会工作人员数，与本单位登记人员数核对' },
]);

export const fieldsOf: Record<TableName, readonly FieldDef[]> = { person: personFields, unit: unitFields };

/** The fields people enter (grid, form, templates, import mappings): every field but the carried ones */
export const enteredFieldsOf: Record<TableName, readonly FieldDef[]> = {
  person: personFields.filter((f) => !f.carried),
  unit: unitFields.filter((f) => !f.carried),
};

export const tableLabels: Record<TableName, string> = { person: '人员', unit: '单位' };

const fieldIndex = new Map<string, FieldDef>();
for (const f of [...personFields, ...unitFields]) fieldIndex.set(`${f.table}.${f.key}`, f);

/**
 * A field key of the dictionary, derived from its entries: adding a field extends it, nothing is
 * listed twice. A misspelt key where code names a field is a type error.
 */
export type PersonFieldKey = (typeof personFields)[number]['key'];
export type UnitFieldKey = (typeof unitFields)[number]['key'];
export type FieldKey<T extends TableName = TableName> = T extends 'person' ? PersonFieldKey : UnitFieldKey;

/** Whether a key that arrived as data (a mapping, a payload) is a field of the table */
export function isFieldKey<T extends TableName>(table: T, key: string): key is FieldKey<T> {
  return fieldIndex.has(`${table}.${key}`);
}

/** The field of a key named in code: a misspelt key is a type error */
export function field<T extends TableName>(table: T, key: FieldKey<T>): FieldDef {
  return fieldOf(table, key);
}

/** The field of a key that arrived as data (a mapping, a payload, a column id): it throws when unknown */
export function fieldOf(table: TableName, key: string): FieldDef {
  const f = fieldIndex.get(`${table}.${key}`);
  if (!f) throw new Error(`unknown field ${table}.${key}`);
  return f;
}

export function fieldLabel(table: TableName, key: string): string {
  return fieldIndex.get(`${table}.${key}`)?.label ?? key;
}

export type PersonKey = PersonFieldKey;
