/**
 * 007: who each person is and what the policy targets count (issue 12). Person columns for 人员类别,
 * certificate registration, cumulative training over the planning period, and 用工形式 split into
 * 编制情况 and 用工方式; the census's planning period; deadline years on targets; the other
 * denominators (older people, care-home beds) beside population. Frozen once shipped.
 *
 * The split maps an old 用工形式 only where the answer is unambiguous (合同 / 派遣 / 购买服务 have no
 * 编制). 在编 (行政 or 事业?), 兼职 (with or without 编制?) and 其他 are kept as the old label in
 * 编制情况, which the code list does not hold: validation flags each such person with the reason
 * (shared/census/codes.ts spanTerms.staffing), so a person decides; nothing is guessed or lost.
 */
import type { Migration } from './types';

export const migration007: Migration = {
  version: 7,
  name: 'person_categories',
  up(db) {
    db.exec(`
ALTER TABLE persons ADD COLUMN person_category TEXT;      -- 人员类别 (code)
ALTER TABLE persons ADD COLUMN reg_status TEXT;           -- 证书登记状态 (code)
ALTER TABLE persons ADD COLUMN reg_valid_until TEXT;      -- 登记有效期至 (date)
ALTER TABLE persons ADD COLUMN staffing TEXT;             -- 编制情况 (code)
ALTER TABLE persons ADD COLUMN employment_type TEXT;      -- 用工方式 (code)
ALTER TABLE persons ADD COLUMN cum_training_hours ANY CHECK (typeof(cum_training_hours) IN ('integer', 'text', 'null')); -- 规划期累计培训学时 (integer)

UPDATE persons SET
  staffing = CASE employment_form
    WHEN '2' THEN '3' WHEN '3' THEN '3' WHEN '4' THEN '3'
    WHEN '1' THEN '在编' WHEN '5' THEN '兼职' WHEN '9' THEN '其他'
    ELSE employment_form END,
  employment_type = CASE employment_form
    WHEN '2' THEN '1' WHEN '3' THEN '2' WHEN '4' THEN '3' WHEN '5' THEN '5'
    ELSE NULL END;

ALTER TABLE persons DROP COLUMN employment_form;

ALTER TABLE settings ADD COLUMN planning_start INTEGER NOT NULL DEFAULT 2026;  -- first year of the planning period (规划期)

ALTER TABLE targets ADD COLUMN deadline_year INTEGER;    -- the year by whose end the target is to be met

CREATE TABLE area_figures (
  area_code TEXT NOT NULL,
  figure TEXT NOT NULL CHECK (figure IN ('elderly', 'careBeds')),  -- 老年人口 (60岁及以上), 养老机构床位数
  value INTEGER NOT NULL CHECK (value >= 0),
  operator TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (area_code, figure)
) STRICT, WITHOUT ROWID;
`);
  },
};
