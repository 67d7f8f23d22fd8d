/** 人员类别 codes the scope and the indicators share (shared/reports/indicators.ts re-exports them). */

/** 城乡社区工作者（专职） and 村（社区）“两委”成员: the 社区工作者 of 社区工作者持证率 (seed 002) */
export const COMMUNITY_WORKER_CATEGORIES_CODES: readonly string[] = ['1', '2'];

/**
 * Those the 160-hour goal applies to (seed 003: 城乡社区、公益服务类事业单位、公益慈善类社会组织等直接从事社会服务的
 * 从业人员): community workers and 两委, social-work agencies, stations, 事业单位 social-work posts. Staff of
 * 党政机关/群团 and of other organisations and firms are trained under another clause.
 */
export const TRAINING_CATEGORY_CODES: readonly string[] = ['1', '2', '3', '4', '5'];
