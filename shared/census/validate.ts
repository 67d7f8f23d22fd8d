/**
 * The validation engine: the dictionary's rules on one record (live entry) and on a whole census
 * (cross-record rules through lookups). Pure: the caller supplies the census context and lookups,
 * built in memory here or by SQL in the store for large censuses.
 */
import { changeKind, isLeaver } from './change';
import { checkCreditCode, checkIdNumber, isMobilePhone, isoDateDays } from './checks';
import { codeLabel, isValidCode, type CodeListId } from './codes';
import { fieldsOf, type FieldDef, type TableName } from './dictionary';
import { spanReason } from './normalize';
import type { Issue } from './issues';
import { rules, type RuleCode } from './rules';
import type { FieldValue, RecordData } from './schema';

export interface ValidationContext {
  /** 统计时点, YYYY-MM-DD: ages and years are judged at this date */
  refDate: string;
  /** Whether a 9-digit township code is real and inside the census area */
  townshipStatus(code: string): 'inside' | 'outside' | 'unknown';
  /** A census started from the last one: every person needs a 变动情况 */
  continuing?: boolean;
}

/** Cross-record facts; each is optional so live entry can check what it knows. */
export interface CrossLookups {
  /**
   * How many persons carry this ID number (including the record itself if stored). With `areaCode`
   * (merged censuses): only those entered in that area, since a person reported by two areas is
   * held for a decision in the duplicates view rather than flagged as `duplicate_id`.
   */
  personsWithIdNumber?(idNumber: string, areaCode?: string): number;
  unitExists?(unitId: string): boolean;
  /** Persons linked to a unit */
  personsInUnit?(unitId: string): number;
  /**
   * How many units carry this credit code. With `areaCode` (merged censuses): only those reported by
   * that area — one organisation with sites in two counties is one organisation reported twice, not
   * an error; within one county a repeated code still is.
   */
  unitsWithCreditCode?(creditCode: string, areaCode?: string): number;
}

export interface RecordInput {
  id: string;
  data: RecordData;
  /** The area the record was entered in; set in merged censuses so ID numbers are counted per area */
  areaCode?: string;
}

const MIN_CERT_YEAR = 2008;
/** staffing 3 无编制: the only staffing whose 用工方式 must be stated */
const STAFFING_NONE = '3';
const REGISTERED = '1';
const MIN_SENIOR_YEAR = 2019;

class Collector {
  readonly issues: Issue[] = [];
  constructor(
    private readonly table: TableName,
    private readonly recordId: string,
  ) {}
  add(field: string, rule: RuleCode, message: string): void {
    this.issues.push({ table: this.table, recordId: this.recordId, field, rule, severity: rules[rule].severity, message });
  }
}

function isEmpty(v: FieldValue | undefined): boolean {
  return v == null || v === '' || (Array.isArray(v) && v.length === 0);
}

function str(v: FieldValue | undefined): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function num(v: FieldValue | undefined): number | null {
  return typeof v === 'number' ? v : null;
}

function ageAt(birth: string, refDate: string): number {
  const by = Number(birth.slice(0, 4));
  const ry = Number(refDate.slice(0, 4));
  return ry - by - (refDate.slice(5) < birth.slice(5) ? 1 : 0);
}

function isRealIsoDate(s: string): boolean {
  return isoDateDays(s) !== null;
}

/** A span term (高中及以下) says why it cannot be one code, so the clerk knows what to ask the township. */
function codeMessage(f: FieldDef, values: readonly string[], plain: string): string {
  for (const v of values) {
    const why = spanReason(f.codeList!, v);
    if (why) return `「${f.label}」的「${v}」${why}，无法确定对应哪一项，请向填报单位核实后选择`;
  }
  return plain;
}

function invalidCodes(list: CodeListId, values: readonly string[]): string[] {
  return values.filter((x) => !isValidCode(list, x));
}

/**
 * Type, code-list, range and required checks that every field gets from its dictionary entry.
 * No closure in here may capture a parameter: V8 would then allocate a context on every call, and
 * this runs for every field of every record (4.5M calls in a 100k-person import: 135 MB of garbage).
 */
function checkField(c: Collector, f: FieldDef, v: FieldValue | undefined, refYear: number): void {
  const label = f.label;
  if (isEmpty(v)) {
    if (f.required) c.add(f.key, 'required', `「${label}」不能为空`);
    return;
  }
  // U+FFFD is what a decoder leaves for bytes it could not read: the original text is lost.
  if ((typeof v === 'string' && v.includes('\uFFFD')) || (Array.isArray(v) && v.some((x) => typeof x === 'string' && x.includes('\uFFFD')))) {
    c.add(f.key, 'text_unreadable', `「${label}」含有无法识别的字符「\uFFFD」（文件编码有误或已损坏）：「${String(v)}」，请对照原表重新填写`);
    return;
  }
  switch (f.type) {
    case 'code':
      if (typeof v !== 'string' || !isValidCode(f.codeList!, v)) c.add(f.key, 'code_invalid', codeMessage(f, [String(v)], `「${label}」的值「${String(v)}」不在代码表中，请从下拉列表选择`));
      break;
    case 'codes': {
      const bad = invalidCodes(f.codeList!, v as string[]);
      if (bad.length) c.add(f.key, 'code_invalid', codeMessage(f, bad, `「${label}」中的「${bad.join('、')}」不在代码表中`));
      break;
    }
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) c.add(f.key, 'number_invalid', `「${label}」应为整数，现为「${String(v)}」`);
      else if ((f.min != null && v < f.min) || (f.max != null && v > f.max))
        c.add(f.key, 'number_range', `「${label}」应在 ${f.min ?? ''}–${f.max ?? ''} 之间，现为 ${v}`);
      break;
    case 'year':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1900 || v > refYear)
        c.add(f.key, 'year_invalid', `「${label}」应为1900至${refYear}之间的四位年份，现为「${String(v)}」`);
      break;
    case 'boolean':
      if (typeof v !== 'boolean') c.add(f.key, 'boolean_invalid', `「${label}」应填“是”或“否”，现为「${String(v)}」`);
      break;
    case 'date':
      if (typeof v !== 'string' || !isRealIsoDate(v)) {
        // Month precision ("1985-03") is acceptable only while the ID number supplies the day.
        if (!(typeof v === 'string' && /^\d{4}-\d{2}$/.test(v)))
          c.add(f.key, 'date_invalid', `「${label}」不是有效日期：「${String(v)}」，请写成 1985-03-15 的形式`);
      }
      break;
    default:
      if (f.maxLength && typeof v === 'string' && v.length > f.maxLength)
        c.add(f.key, 'text_too_long', `「${label}」最多 ${f.maxLength} 个字，现有 ${v.length} 个`);
  }
}

const ID_MESSAGES = {
  length: '证件号码应为18位，请核对是否漏填或多填',
  format: '证件号码只能由17位数字和末位数字或X组成',
  province: '证件号码前两位不是有效的省级行政区划代码',
  birth_date: '证件号码第7–14位不是有效的出生日期',
} as const;

function checkPerson(c: Collector, d: RecordData, ctx: ValidationContext, lookups: CrossLookups, areaCode?: string): void {
  const refYear = Number(ctx.refDate.slice(0, 4));
  const idType = str(d.idType);
  const idNumber = str(d.idNumber);
  let idBirth: string | null = null;
  if (idNumber && (idType === '01' || idType == null)) {
    const r = checkIdNumber(idNumber);
    if (r.ok) {
      idBirth = r.info.birthDate;
      const sex = str(d.sex);
      if (sex && sex !== r.info.sex)
        c.add('sex', 'id_sex_mismatch', `性别「${codeLabel('sex', sex)}」与证件号码不符：号码第17位表示${r.info.sex === '1' ? '男' : '女'}`);
      const birth = str(d.birthDate);
      if (birth && !r.info.birthDate.startsWith(birth))
        c.add('birthDate', 'id_birth_mismatch', `出生日期「${birth}」与证件号码中的 ${r.info.birthDate} 不符`);
    } else if (r.problem === 'excel_number') {
      c.add('idNumber', 'id_excel_number',
        `证件号码「${idNumber}」已被 Excel 当作数字保存，末尾几位已变成0，无法还原。请在原表格中把该列设为“文本”格式，重新录入完整的18位号码`);
    } else if (r.problem === 'checksum') {
      c.add('idNumber', 'id_checksum', '证件号码校验位（第18位）错误，号码中可能有数字录错，请与证件核对');
    } else if (r.problem === 'province') {
      c.add('idNumber', 'id_province', ID_MESSAGES.province);
    } else if (r.problem === 'birth_date') {
      c.add('idNumber', 'id_birth_date', ID_MESSAGES.birth_date);
    } else {
      c.add('idNumber', 'id_format', ID_MESSAGES[r.problem]);
    }
    if (lookups.personsWithIdNumber && lookups.personsWithIdNumber(idNumber.toUpperCase(), areaCode) > 1)
      c.add('idNumber', 'duplicate_id', `证件号码 ${idNumber} 在本地区出现了不止一次，同一人只能登记一条`);
  }
  const birth = idBirth ?? (str(d.birthDate) && isRealIsoDate(str(d.birthDate)!) ? str(d.birthDate) : null);
  if (birth) {
    const age = ageAt(birth, ctx.refDate);
    if (age < 16) c.add('birthDate', 'age_under_16', `统计时点年龄为 ${age} 岁，不满16周岁`);
    else if (age > 65) c.add('birthDate', 'age_over_65', `统计时点年龄为 ${age} 岁，超过65周岁，请核实是否仍在从事社会工作`);
  }

  const level = str(d.qualLevel);
  const certNumber = str(d.certNumber);
  const certYear = num(d.certYear);
  if (level && level !== '0' && isValidCode('qualLevel', level)) {
    if (!certNumber) c.add('certNumber', 'cert_required', `职业资格等级为「${codeLabel('qualLevel', level)}」，须填写证书管理号`);
    if (d.certYear == null || d.certYear === '') c.add('certYear', 'cert_required', `职业资格等级为「${codeLabel('qualLevel', level)}」，须填写取得年份`);
  } else if ((level === '0' || level == null) && (certNumber || d.certYear != null)) {
    c.add('qualLevel', 'cert_without_level', '填写了证书管理号或取得年份，但职业资格等级为“无”，请补填等级或删除证书信息');
  }
  if (certNumber && !/^\d{18}$/.test(certNumber)) c.add('certNumber', 'cert_number_format', `证书管理号应为18位数字，现为「${certNumber}」`);
  if (certYear != null && Number.isInteger(certYear)) {
    // A year after the reference date is already reported as year_invalid by checkField.
    if (certYear <= refYear && certYear < MIN_CERT_YEAR) c.add('certYear', 'cert_year_early', `取得年份 ${certYear} 早于全国社会工作者职业水平考试首次举办的2008年，请核实`);
    else if (certYear <= refYear && level === '3' && certYear < MIN_SENIOR_YEAR) c.add('certYear', 'cert_senior_early', `高级社会工作师 ${certYear} 年取证，早于首次评审的2019年，请核实`);
  }

  checkRegistration(c, d, ctx.refDate, level);
  if (str(d.staffing) === STAFFING_NONE && isEmpty(d.employmentType))
    c.add('employmentType', 'employment_type_required', `编制情况为「${codeLabel('staffing', STAFFING_NONE)}」，须填写用工方式（劳动合同、劳务派遣、购买服务等）`);

  const domains = Array.isArray(d.domains) ? d.domains : [];
  const primary = str(d.primaryDomain);
  if (primary && domains.length && !domains.includes(primary))
    c.add('primaryDomain', 'primary_domain_not_in_domains', `主要领域「${codeLabel('domain', primary)}」不在所填的服务领域中`);

  const startYear = num(d.startYear);
  if (startYear != null && birth && startYear < Number(birth.slice(0, 4)) + 14)
    c.add('startYear', 'start_year_invalid', `从事社会工作起始年 ${startYear} 早于本人14周岁`);

  const hours = num(d.trainingHours);
  if (hours != null && hours > 400) c.add('trainingHours', 'training_hours_high', `统计期培训学时为 ${hours}，超过400学时，请核实`);
  const cumulative = num(d.cumTrainingHours);
  if (hours != null && cumulative != null && cumulative < hours)
    c.add('cumTrainingHours', 'cum_training_below_period', `规划期累计培训学时 ${cumulative} 少于统计期培训学时 ${hours}，累计学时应包含统计期学时，请核实`);

  const phone = str(d.phone);
  if (phone && !isMobilePhone(phone)) c.add('phone', 'phone_not_mobile', `「${phone}」不是11位手机号码，请核实`);

  const unitId = str(d.unitId);
  if (unitId && lookups.unitExists && !lookups.unitExists(unitId))
    c.add('unitId', 'unit_missing', `所在单位「${unitId}」未在单位表中登记，请先登记该单位或从列表中选择`);
}

/** 登记状态 and 登记有效期至 belong to holders; a registration that ran out before the reference date is flagged. */
function checkRegistration(c: Collector, d: RecordData, refDate: string, level: string | null): void {
  const status = str(d.regStatus);
  const until = str(d.regValidUntil);
  const holder = level !== null && level !== '0' && isValidCode('qualLevel', level);
  if (!holder) {
    if (status === REGISTERED || until)
      c.add('regStatus', 'registration_without_cert', '职业资格等级为“无”，却填写了证书登记状态或有效期，请补填等级或删除登记信息');
    return;
  }
  if (status === REGISTERED && !until) c.add('regValidUntil', 'registration_date_missing', '证书登记状态为“已登记”，须填写登记有效期至');
  if (status === REGISTERED && until && isRealIsoDate(until) && until < refDate)
    c.add('regValidUntil', 'registration_lapsed', `证书登记有效期至 ${until}，在统计时点 ${refDate} 已过期，请核实是否已续期登记`);
}

function checkUnit(c: Collector, id: string, d: RecordData, lookups: CrossLookups, areaCode?: string): void {
  const code = str(d.creditCode);
  if (code) {
    const r = checkCreditCode(code);
    if (!r.ok)
      c.add('creditCode', r.problem === 'checksum' ? 'credit_checksum' : 'credit_format',
        r.problem === 'checksum' ? '统一社会信用代码校验位（第18位）错误，请与营业执照或登记证书核对' : '统一社会信用代码应为18位，由数字和大写字母（不含I、O、Z、S、V）组成');
    if (lookups.unitsWithCreditCode && lookups.unitsWithCreditCode(code.toUpperCase(), areaCode) > 1)
      c.add('creditCode', 'duplicate_credit_code', `统一社会信用代码 ${code} 在单位表中出现了不止一次`);
  } else if (!str(d.noCreditReason)) {
    c.add('creditCode', 'credit_missing', '请填写统一社会信用代码；确实没有的，请在“无代码原因”中说明');
  }
  const reported = num(d.reportedSwCount);
  if (reported != null && lookups.personsInUnit) {
    const linked = lookups.personsInUnit(id);
    if (linked !== reported)
      c.add('reportedSwCount', 'unit_reported_mismatch', `单位报告社会工作人员 ${reported} 人，但登记在本单位的人员为 ${linked} 人，请核实`);
  }
}

/**
 * 变动情况 against the carried marker: a carried person (prevQualLevel set when the census was started
 * from the last one) is 待确认, 留任 or 离开; anyone else is 新增 with its reason.
 */
function checkChange(c: Collector, d: RecordData, ctx: ValidationContext): void {
  const v = d.change;
  const kind = changeKind(v);
  const carried = str(d.prevQualLevel) !== null;
  if (kind === null) {
    // An unknown code is code_invalid already; an empty one matters only when there is a last census.
    if ((v == null || v === '') && ctx.continuing)
      c.add('change', 'change_required',
        carried ? '上期人员的变动情况为空：请确认留任，或标记离开并注明原因' : '请填写变动情况：新增人员注明新入职、调入或其他');
    return;
  }
  if (kind === 'pending') c.add('change', 'change_pending', '上期人员的变动情况待确认：请确认留任，或标记离开（调出本地区、离职、退休、死亡、其他）');
  else if (kind === 'joined' && carried) c.add('change', 'change_carried_joined', `该人员在上期名单中，不能标为「${codeLabel('change', v as string)}」：请确认留任或标记离开`);
  else if ((kind === 'stayed' || kind === 'left') && !carried)
    c.add('change', 'change_not_carried', `该人员不在上期名单中，变动情况不能是「${codeLabel('change', v as string)}」：请填写新增（新入职、调入或其他）`);
}

const townshipFields: Record<TableName, readonly FieldDef[]> = {
  person: fieldsOf.person.filter((f) => f.type === 'township'),
  unit: fieldsOf.unit.filter((f) => f.type === 'township'),
};

/** Every rule that one record can be checked against, plus the cross-record ones the lookups allow. */
export function validateRecord(
  table: TableName,
  recordId: string,
  data: RecordData,
  ctx: ValidationContext,
  lookups: CrossLookups = {},
  /** The record's area in a merged census (see RecordInput.areaCode) */
  areaCode?: string,
): Issue[] {
  const c = new Collector(table, recordId);
  const refYear = Number(ctx.refDate.slice(0, 4));
  if (table === 'person') {
    checkChange(c, data, ctx);
    // A leaver is kept for the change table only: what the record says otherwise is last period's.
    if (isLeaver(data.change)) return c.issues;
  }
  for (const f of fieldsOf[table]) checkField(c, f, data[f.key], refYear);
  for (const f of townshipFields[table]) {
    const t = str(data[f.key]);
    if (!t) continue;
    const status = /^\d{9}$/.test(t) ? ctx.townshipStatus(t) : 'unknown';
    if (status === 'unknown') c.add(f.key, 'township_unknown', `「${t}」不是有效的乡镇（街道）名称或代码`);
    else if (status === 'outside') c.add(f.key, 'township_outside', `乡镇（街道）${t} 不在本次统计的地区内`);
  }
  if (table === 'person') checkPerson(c, data, ctx, lookups, areaCode);
  else checkUnit(c, recordId, data, lookups, areaCode);
  return c.issues;
}

export interface CensusRecords {
  persons(): Iterable<RecordInput>;
  units(): Iterable<RecordInput>;
}

/** Counts that the cross-record rules need, from one pass over the records. */
export function buildLookups(records: CensusRecords): CrossLookups {
  const idCounts = new Map<string, number>();
  const idCountsByArea = new Map<string, number>();
  const unitMembers = new Map<string, number>();
  const unitIds = new Set<string>();
  const creditCounts = new Map<string, number>();
  const creditCountsByArea = new Map<string, number>();
  for (const p of records.persons()) {
    const id = str(p.data.idNumber);
    if (id) {
      idCounts.set(id.toUpperCase(), (idCounts.get(id.toUpperCase()) ?? 0) + 1);
      if (p.areaCode !== undefined) {
        const k = `${p.areaCode}|${id.toUpperCase()}`;
        idCountsByArea.set(k, (idCountsByArea.get(k) ?? 0) + 1);
      }
    }
    const u = str(p.data.unitId);
    if (u && !isLeaver(p.data.change)) unitMembers.set(u, (unitMembers.get(u) ?? 0) + 1);
  }
  for (const u of records.units()) {
    unitIds.add(u.id);
    const code = str(u.data.creditCode);
    if (code) {
      creditCounts.set(code.toUpperCase(), (creditCounts.get(code.toUpperCase()) ?? 0) + 1);
      if (u.areaCode !== undefined) {
        const k = `${u.areaCode}|${code.toUpperCase()}`;
        creditCountsByArea.set(k, (creditCountsByArea.get(k) ?? 0) + 1);
      }
    }
  }
  return {
    personsWithIdNumber: (x, area) => (area === undefined ? idCounts.get(x) : idCountsByArea.get(`${area}|${x}`)) ?? 0,
    unitExists: (x) => unitIds.has(x),
    personsInUnit: (x) => unitMembers.get(x) ?? 0,
    unitsWithCreditCode: (x, area) => (area === undefined ? creditCounts.get(x) : creditCountsByArea.get(`${area}|${x}`)) ?? 0,
  };
}

/** Every issue of a census, units first. */
export function validateCensus(records: CensusRecords, ctx: ValidationContext, lookups: CrossLookups = buildLookups(records)): Issue[] {
  const out: Issue[] = [];
  for (const u of records.units()) for (const i of validateRecord('unit', u.id, u.data, ctx, lookups, u.areaCode)) out.push(i);
  for (const p of records.persons()) for (const i of validateRecord('person', p.id, p.data, ctx, lookups, p.areaCode)) out.push(i);
  return out;
}

/**
 * Fills sex and birth date from a valid ID number where they are empty or only month-precise and
 * agree with it ("1985-03" from a 出生年月 column). A disagreeing value is left for validation to flag.
 */
export function completeFromIdNumber(data: RecordData): RecordData {
  const idNumber = str(data.idNumber);
  if (!idNumber || !(str(data.idType) == null || str(data.idType) === '01')) return data;
  const r = checkIdNumber(idNumber);
  if (!r.ok) return data;
  const out = { ...data };
  if (isEmpty(out.sex)) out.sex = r.info.sex;
  const birth = str(out.birthDate);
  if (!birth || (/^\d{4}-\d{2}$/.test(birth) && r.info.birthDate.startsWith(birth))) out.birthDate = r.info.birthDate;
  return out;
}

/** The label a record goes by in issue lists: name (and ID/credit code) */
export function recordLabel(table: TableName, data: RecordData): string {
  return str(data.name) ?? (table === 'person' ? '（未填姓名）' : '（未填单位名称）');
}
