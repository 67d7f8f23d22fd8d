import type { TableName } from '../../../../shared/census/dictionary';
import { issueKey } from '../../../../shared/census/issues';
import { sqliteOf, type Db } from '../handle';

/** Which warning an explanation answers: one rule on one field of one record */
export interface ExplanationKey {
  table: TableName;
  recordId: string;
  field: string;
  rule: string;
}

export interface Explanation extends ExplanationKey {
  text: string;
  operator: string;
  at: string;
}

export interface ExplanationsRepo {
  /** Stores the explanation; blank text deletes it */
  set(key: ExplanationKey, text: string, operator: string, at: string): void;
  get(key: ExplanationKey): Explanation | null;
  /** Every explanation's text by `issueKey` (table|recordId|field|rule), for joining onto issues */
  all(): Map<string, string>;
  /** Every explanation in full, e.g. for a return package */
  list(): Explanation[];
  count(): number;
}

/** 核实说明: the written explanations of warnings, travelling with the data. */
export function explanationsRepo(db: Db): ExplanationsRepo {
  const sqlite = sqliteOf(db);
  const columns = `table_name AS "table", record_id AS recordId, field, rule, text, operator, at`;
  const upsert = sqlite.prepare(
    `INSERT INTO explanations (table_name, record_id, field, rule, text, operator, at)
     VALUES (:table, :recordId, :field, :rule, :text, :operator, :at)
     ON CONFLICT (table_name, record_id, field, rule) DO UPDATE SET
       text = excluded.text, operator = excluded.operator, at = excluded.at`,
  );
  const remove = sqlite.prepare(
    `DELETE FROM explanations WHERE table_name = :table AND record_id = :recordId AND field = :field AND rule = :rule`,
  );
  const selectOne = sqlite.prepare(
    `SELECT ${columns} FROM explanations
     WHERE table_name = :table AND record_id = :recordId AND field = :field AND rule = :rule`,
  );
  const selectAll = sqlite.prepare(`SELECT ${columns} FROM explanations ORDER BY table_name, record_id, field, rule`);
  const countAll = sqlite.prepare('SELECT count(*) FROM explanations').pluck();
  const keyOf = ({ table, recordId, field, rule }: ExplanationKey) => ({ table, recordId, field, rule });
  return {
    set(key, text, operator, at) {
      const trimmed = text.trim();
      if (trimmed === '') remove.run(keyOf(key));
      else upsert.run({ ...keyOf(key), text: trimmed, operator, at });
    },
    get: (key) => (selectOne.get(keyOf(key)) as Explanation | undefined) ?? null,
    all: () => new Map((selectAll.all() as Explanation[]).map((e) => [issueKey(e), e.text])),
    list: () => selectAll.all() as Explanation[],
    count: () => countAll.get() as number,
  };
}
