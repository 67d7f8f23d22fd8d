/**
 * 001: the first schema. Frozen history: never edit this file once it has shipped; change the schema
 * with a new numbered migration instead. The columns are written out here rather than generated from
 * the dictionary, so a dictionary edit without a migration is caught by tests/unit/migrations.test.ts.
 *
 * Tables are STRICT. Numeric and yes/no data columns are `ANY` with a CHECK allowing an integer (0/1
 * for yes/no) or text: a value an importer could not read ("十二", "也许") is kept as the clerk's text
 * and flagged by validation, never dropped or coerced. Data columns are nullable: imported rows with
 * gaps must still be storable (validation flags them).
 */
import type { Migration } from './types';

const recordMeta = `
  source_file TEXT,
  source_sheet TEXT,
  source_row INTEGER,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL`;

export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
CREATE TABLE settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  area_code TEXT NOT NULL,
  area_name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('county', 'city', 'province')),
  ref_date TEXT NOT NULL,
  office_name TEXT NOT NULL,
  operator TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE persons (
  id TEXT PRIMARY KEY,
  area_code TEXT NOT NULL,
  name TEXT,                 -- 姓名 (text)
  id_type TEXT,              -- 证件类型 (code)
  id_number TEXT,            -- 证件号码 (idNumber)
  sex TEXT,                  -- 性别 (code)
  birth_date TEXT,           -- 出生日期 (date)
  ethnicity TEXT,            -- 民族 (code)
  political TEXT,            -- 政治面貌 (code)
  phone TEXT,                -- 手机 (phone)
  education TEXT,            -- 学历 (code)
  major_category TEXT,       -- 专业类别 (code)
  major_name TEXT,           -- 专业名称 (text)
  qual_level TEXT,           -- 职业资格等级 (code)
  cert_number TEXT,          -- 证书管理号 (text)
  cert_year ANY CHECK (typeof(cert_year) IN ('integer', 'text', 'null')),         -- 取得年份 (year)
  title_level TEXT,          -- 职称级别 (code)
  unit_id TEXT,              -- 所在单位 (unitRef); no foreign key: imports may reference a missing unit, validation flags it
  township TEXT,             -- 工作地乡镇（街道） (township)
  urban_rural TEXT,          -- 城乡 (code)
  post_category TEXT,        -- 岗位类别 (code)
  sw_post ANY CHECK (sw_post IN (0, 1) OR typeof(sw_post) IN ('text', 'null')), -- 是否社会工作专业岗位 (boolean)
  employment_form TEXT,      -- 用工形式 (code)
  domains TEXT,              -- 服务领域 (codes, joined by ',')
  primary_domain TEXT,       -- 主要领域 (code)
  start_year ANY CHECK (typeof(start_year) IN ('integer', 'text', 'null')),        -- 从事社会工作起始年 (year)
  training_hours ANY CHECK (typeof(training_hours) IN ('integer', 'text', 'null')),    -- 统计期培训学时 (integer)
${recordMeta}
) STRICT;

CREATE INDEX persons_id_number ON persons (id_number);
CREATE INDEX persons_unit_id ON persons (unit_id);
CREATE INDEX persons_name ON persons (name);
CREATE INDEX persons_created_at ON persons (created_at);

CREATE TABLE units (
  id TEXT PRIMARY KEY,
  area_code TEXT NOT NULL,
  name TEXT,                 -- 单位名称 (text)
  credit_code TEXT,          -- 统一社会信用代码 (creditCode)
  no_credit_reason TEXT,     -- 无代码原因 (text)
  unit_type TEXT,            -- 单位类型 (code)
  township TEXT,             -- 所在乡镇（街道） (township)
  urban_rural TEXT,          -- 城乡 (code)
  is_station ANY CHECK (is_station IN (0, 1) OR typeof(is_station) IN ('text', 'null')), -- 是否乡镇（街道）社工站 (boolean)
  staff_count ANY CHECK (typeof(staff_count) IN ('integer', 'text', 'null')),       -- 从业人员数 (integer)
  sw_post_count ANY CHECK (typeof(sw_post_count) IN ('integer', 'text', 'null')),     -- 社会工作专业岗位数 (integer)
  reported_sw_count ANY CHECK (typeof(reported_sw_count) IN ('integer', 'text', 'null')), -- 报告的社会工作人员数 (integer)
${recordMeta}
) STRICT;

CREATE INDEX units_credit_code ON units (credit_code);
CREATE INDEX units_name ON units (name);
CREATE INDEX units_created_at ON units (created_at);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  table_name TEXT NOT NULL CHECK (table_name IN ('person', 'unit')),
  record_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore', 'import')),
  field TEXT,
  old_value TEXT,            -- JSON of the FieldValue
  new_value TEXT,            -- JSON of the FieldValue
  operator TEXT NOT NULL,
  at TEXT NOT NULL
) STRICT;

CREATE INDEX audit_log_record ON audit_log (table_name, record_id);

CREATE TABLE explanations (
  table_name TEXT NOT NULL CHECK (table_name IN ('person', 'unit')),
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  rule TEXT NOT NULL,
  text TEXT NOT NULL,
  operator TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (table_name, record_id, field, rule)
) STRICT, WITHOUT ROWID;

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL        -- JSON
) STRICT, WITHOUT ROWID;
`);
  },
};
