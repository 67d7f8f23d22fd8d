/**
 * 统计范围: who is in the headcount and who is not. Printed on the template's 填表说明 sheet and in
 * docs/indicators.md (a test checks the doc carries these lines word for word). Category and
 * indicator names come from the code list, so renaming a category renames it here too.
 */
import { codeLabel, codeLists } from './codes';
import { COMMUNITY_WORKER_CATEGORIES_CODES, TRAINING_CATEGORY_CODES } from './scope-codes';
import { PLANNING_PERIODS } from './planning';

const names = (codes: readonly string[]) => codes.map((c) => codeLabel('personCategory', c)).join('、');

export const SCOPE_LINES: readonly string[] = [
  `统计对象：在本地区各类单位中从事社会工作的人员，每人填一行，选一个“人员类别”：${codeLists.personCategory.map((c) => c.label).join('；')}。`,
  '一人只在一个主要工作单位登记一次；在几个单位从事社会工作的，由主要工作单位填报。',
  '不在统计之内：志愿者和义工（未与单位建立劳动、劳务或服务关系的）、在校学生和实习生、已退休不再从事社会工作的人员、只参加培训而未从事社会工作的人员、单位中不从事社会工作的后勤和行政人员。',
  `社区工作者（计算“社区工作者持证率”）：人员类别为${names(COMMUNITY_WORKER_CATEGORIES_CODES)}的人员。`,
  `160学时培训的对象：城乡社区、公益服务类事业单位、公益慈善类社会组织等直接从事社会服务的从业人员，即人员类别为${names(TRAINING_CATEGORY_CODES)}的人员；学时按规划期（默认${PLANNING_PERIODS[0]!.label}，可选${PLANNING_PERIODS.slice(1).map((p) => p.label).join('、')}）累计。`,
];
