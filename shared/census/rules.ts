/**
 * Validation rules: a stable code, a severity and a short Chinese title for each. The code is what
 * explanations, packages and the CLI's JSON refer to, so a code is never renamed or reused.
 */
import type { Severity } from './issues';

export interface RuleDef {
  readonly severity: Severity;
  /** Short Chinese name, used by the issues panel's rule filter */
  readonly title: string;
}

export const rules = {
  required: { severity: 'error', title: '必填项为空' },
  code_invalid: { severity: 'error', title: '代码不在代码表中' },
  text_too_long: { severity: 'error', title: '内容过长' },
  number_invalid: { severity: 'error', title: '不是有效数字' },
  number_range: { severity: 'error', title: '数值超出范围' },
  date_invalid: { severity: 'error', title: '日期无效' },
  year_invalid: { severity: 'error', title: '年份无效' },
  boolean_invalid: { severity: 'error', title: '应填“是”或“否”' },
  id_excel_number: { severity: 'error', title: '证件号码被Excel改成数字' },
  id_format: { severity: 'error', title: '证件号码格式错误' },
  id_province: { severity: 'error', title: '证件号码地址码无效' },
  id_birth_date: { severity: 'error', title: '证件号码出生日期无效' },
  id_checksum: { severity: 'error', title: '证件号码校验位错误' },
  id_sex_mismatch: { severity: 'error', title: '性别与证件号码不符' },
  id_birth_mismatch: { severity: 'error', title: '出生日期与证件号码不符' },
  age_under_16: { severity: 'error', title: '年龄不满16周岁' },
  age_over_65: { severity: 'warning', title: '年龄超过65周岁' },
  cert_required: { severity: 'error', title: '持证人员缺少证书信息' },
  cert_without_level: { severity: 'error', title: '有证书信息但资格等级为无' },
  cert_number_format: { severity: 'error', title: '证书管理号格式错误' },
  cert_year_early: { severity: 'warning', title: '取证年份早于2008年' },
  cert_senior_early: { severity: 'warning', title: '高级社会工作师取证早于2019年' },
  township_unknown: { severity: 'error', title: '乡镇（街道）不存在' },
  township_outside: { severity: 'error', title: '乡镇（街道）不在本地区' },
  primary_domain_not_in_domains: { severity: 'error', title: '主要领域不在服务领域中' },
  start_year_invalid: { severity: 'error', title: '从事社会工作起始年不合理' },
  training_hours_high: { severity: 'warning', title: '培训学时超过400' },
  phone_not_mobile: { severity: 'warning', title: '不是手机号码' },
  duplicate_id: { severity: 'error', title: '证件号码重复' },
  unit_missing: { severity: 'error', title: '所在单位未登记' },
  credit_format: { severity: 'error', title: '统一社会信用代码格式错误' },
  credit_checksum: { severity: 'error', title: '统一社会信用代码校验位错误' },
  credit_missing: { severity: 'error', title: '无信用代码且未说明原因' },
  duplicate_credit_code: { severity: 'error', title: '统一社会信用代码重复' },
  unit_reported_mismatch: { severity: 'warning', title: '报告的社工人数与登记人员数不符' },
  text_unreadable: { severity: 'error', title: '含无法识别的字符（乱码）' },
  control_chars_removed: { severity: 'warning', title: '已删除不可见的控制字符' },
  registration_lapsed: { severity: 'warning', title: '证书登记已过有效期' },
  registration_without_cert: { severity: 'error', title: '未持证但填写了证书登记信息' },
  registration_date_missing: { severity: 'error', title: '已登记但缺少登记有效期' },
  employment_type_required: { severity: 'error', title: '无编制人员缺少用工方式' },
  cum_training_below_period: { severity: 'warning', title: '累计培训学时少于统计期学时' },
  change_pending: { severity: 'error', title: '变动情况待确认' },
  change_required: { severity: 'error', title: '变动情况为空' },
  change_not_carried: { severity: 'error', title: '不在上期名单中，只能是新增' },
  change_carried_joined: { severity: 'error', title: '上期名单中的人员不能标为新增' },
} as const satisfies Record<string, RuleDef>;

export type RuleCode = keyof typeof rules;

export function ruleTitle(code: string): string {
  return (rules as Record<string, RuleDef>)[code]?.title ?? code;
}
