/**
 * Values that follow from others without guessing, filled in by the importers where the return and
 * the clerk left them blank: 主要领域 from a single 服务领域 (and 服务领域 from a lone 主要领域), 专业类别
 * from 专业名称, a person's 城乡 from their unit's. 岗位类别, 是否社会工作专业岗位 and 用工形式 do not follow
 * from anything a return carries, so they are never derived.
 */
import { codeLists, isValidCode } from './codes';
import { cleanText } from './normalize';
import type { FieldValue, RecordData } from './schema';

export interface Derivation {
  field: string;
  /** The field it follows from */
  from: string;
}

function isEmpty(v: FieldValue | undefined): boolean {
  return v == null || v === '' || (Array.isArray(v) && v.length === 0);
}

const SOCIAL_WORK = '10';
const OTHER_MAJOR = '90';

/** Related majors by name, longest first so 社会保障 is not read as 社会学's neighbour */
const related = codeLists.majorCategory
  .filter((c) => c.code !== OTHER_MAJOR)
  .flatMap((c) => [c.label, ...(c.aliases ?? [])].map((name) => ({ name, code: c.code })))
  .filter((x) => x.name.length >= 3)
  .sort((a, b) => b.name.length - a.name.length);

/**
 * 专业类别 for a 专业名称: 社会工作 (and 社会工作与管理 …) → 社会工作; a related major of the code list
 * named in it (应用心理学 → 心理学, 劳动与社会保障 → 社会保障) → that; any other major → 其他专业.
 * Null for no major, or a text that names no major (无, 不详).
 */
export function majorCategoryOf(majorName: FieldValue | undefined): string | null {
  if (typeof majorName !== 'string') return null;
  const name = cleanText(majorName).replace(/\s/g, '');
  if (!name || /^(无|不详|暂无|未知|\/|-+)$/.test(name)) return null;
  for (const r of related) if (name.includes(r.name)) return r.code;
  return name === '社工' ? SOCIAL_WORK : OTHER_MAJOR;
}

export interface DeriveContext {
  /** The 城乡 code of a unit by id, when it has one */
  unitUrbanRural(unitId: string): string | null;
}

/**
 * Fills derivable blanks of a person's data in place and says which. Never touches a field that has
 * a value: what the return or the clerk gave stands, even when it disagrees.
 */
export function derivePerson(data: RecordData, ctx: DeriveContext): Derivation[] {
  const out: Derivation[] = [];
  const domains = data.domains;
  if (isEmpty(data.primaryDomain) && Array.isArray(domains) && domains.length === 1 && isValidCode('domain', domains[0]!)) {
    data.primaryDomain = domains[0]!;
    out.push({ field: 'primaryDomain', from: 'domains' });
  } else if (isEmpty(domains) && typeof data.primaryDomain === 'string' && isValidCode('domain', data.primaryDomain)) {
    data.domains = [data.primaryDomain];
    out.push({ field: 'domains', from: 'primaryDomain' });
  }
  if (isEmpty(data.majorCategory)) {
    const code = majorCategoryOf(data.majorName);
    if (code) {
      data.majorCategory = code;
      out.push({ field: 'majorCategory', from: 'majorName' });
    }
  }
  if (isEmpty(data.urbanRural) && typeof data.unitId === 'string') {
    const ur = ctx.unitUrbanRural(data.unitId);
    if (ur) {
      data.urbanRural = ur;
      out.push({ field: 'urbanRural', from: 'unitId' });
    }
  }
  return out;
}
