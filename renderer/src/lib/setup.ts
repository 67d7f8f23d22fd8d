/** The setup wizard's checks, run before anything is sent so the clerk sees every problem at once. */
import type { DivisionDto, Level } from '../../../shared/api/contract';
import { isoDateDays } from '../../../shared/census/checks';

export interface SetupForm {
  area: DivisionDto | null;
  level: Level;
  refDate: string;
  officeName: string;
  operator: string;
}

export type SetupErrors = Partial<Record<keyof SetupForm, string>>;

export const DEFAULT_REF_DATE = '2026-12-31';

export const levelChoices: readonly { level: Level; label: string; divisionLevels: DivisionDto['level'][] }[] = [
  { level: 'county', label: '区县', divisionLevels: ['county'] },
  { level: 'city', label: '市州', divisionLevels: ['city'] },
  { level: 'province', label: '省', divisionLevels: ['province'] },
];


export function validateSetup(f: SetupForm): SetupErrors {
  const e: SetupErrors = {};
  if (!f.area) e.area = '请选择统计地区：输入名称或代码后，从列表中选择';
  else if (f.area.level !== f.level) e.area = '所选地区与统计层级不一致，请重新选择';
  if (f.refDate.trim() === '') e.refDate = '请填写统计时点';
  else if (isoDateDays(f.refDate.trim()) === null) e.refDate = '统计时点不是有效日期，格式如 2026-12-31';
  else {
    const y = Number(f.refDate.slice(0, 4));
    if (y < 2000 || y > 2100) e.refDate = '统计时点的年份应在 2000 至 2100 之间';
  }
  const office = f.officeName.trim();
  if (office === '') e.officeName = '请填写填报单位';
  else if (office.length > 100) e.officeName = '填报单位不能超过100个字';
  const op = f.operator.trim();
  if (op === '') e.operator = '请填写操作员';
  else if (op.length > 50) e.operator = '操作员不能超过50个字';
  return e;
}
