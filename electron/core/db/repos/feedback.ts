/**
 * 审核退回 and package coverage (migration 004). Feedback items live on both sides under one id: the
 * upper level's copy (direction 'sent') collects the answer when the sub-area's next package
 * arrives; the sub-area's copy ('received') holds the answer until it is exported.
 */
import type { TableName } from '../../../../shared/census/dictionary';
import { sqliteOf, type Db } from '../handle';
import { lazy } from './targets';

export interface FeedbackRow {
  id: string;
  direction: 'sent' | 'received';
  areaCode: string;
  recordTable: TableName | null;
  recordId: string | null;
  recordLabel: string;
  question: string;
  askedBy: string;
  askedAt: string;
  fromArea: string | null;
  fromOffice: string | null;
  sentAt: string | null;
  answer: string | null;
  answeredBy: string | null;
  answeredAt: string | null;
  answerPackage: string | null;
}

export interface Coverage {
  expected: string[];
  included: string[];
}

export interface FeedbackRepo {
  list(direction: 'sent' | 'received', areaCode?: string): FeedbackRow[];
  get(id: string): FeedbackRow | null;
  /** Inserts new items; an item already present (same id) is left as it is */
  insertMany(rows: readonly FeedbackRow[]): number;
  remove(id: string): boolean;
  markSent(ids: readonly string[], at: string): void;
  /** Sets (or clears, with null) the answer of a received item */
  answer(id: string, answer: string | null, by: string | null, at: string | null): boolean;
  /** Takes answers arriving in a package into the sent items they belong to; returns how many matched */
  applyAnswers(areaCodes: readonly string[], answers: readonly { id: string; answer: string; answeredBy: string; answeredAt: string }[], packageId: string): number;
  coverageOf(packageId: string): Coverage | null;
  setCoverage(packageId: string, c: Coverage): void;
}

const COLS = `id, direction, area_code AS areaCode, record_table AS recordTable, record_id AS recordId, record_label AS recordLabel,
  question, asked_by AS askedBy, asked_at AS askedAt, from_area AS fromArea, from_office AS fromOffice, sent_at AS sentAt,
  answer, answered_by AS answeredBy, answered_at AS answeredAt, answer_package AS answerPackage`;

export function feedbackRepo(db: Db): FeedbackRepo {
  // Prepared on first use: opening a store must not depend on every capability's tables.
  const st = lazy(() => {
    const sqlite = sqliteOf(db);
    return {
      sqlite,
      list: sqlite.prepare(`SELECT ${COLS} FROM feedback WHERE direction = ? ORDER BY asked_at, rowid`),
      listArea: sqlite.prepare(`SELECT ${COLS} FROM feedback WHERE direction = ? AND area_code = ? ORDER BY asked_at, rowid`),
      get: sqlite.prepare(`SELECT ${COLS} FROM feedback WHERE id = ?`),
      insert: sqlite.prepare(`INSERT OR IGNORE INTO feedback (id, direction, area_code, record_table, record_id, record_label, question, asked_by,
        asked_at, from_area, from_office, sent_at, answer, answered_by, answered_at, answer_package)
        VALUES (:id, :direction, :areaCode, :recordTable, :recordId, :recordLabel, :question, :askedBy, :askedAt, :fromArea, :fromOffice,
        :sentAt, :answer, :answeredBy, :answeredAt, :answerPackage)`),
      remove: sqlite.prepare(`DELETE FROM feedback WHERE id = ? AND direction = 'sent' AND sent_at IS NULL`),
      markSent: sqlite.prepare(`UPDATE feedback SET sent_at = COALESCE(sent_at, ?) WHERE id = ? AND direction = 'sent'`),
      answer: sqlite.prepare(`UPDATE feedback SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ? AND direction = 'received'`),
      applyAnswer: sqlite.prepare(`UPDATE feedback SET answer = ?, answered_by = ?, answered_at = ?, answer_package = ?
        WHERE id = ? AND direction = 'sent' AND area_code IN (SELECT value FROM json_each(?))`),
      coverageGet: sqlite.prepare(`SELECT expected, included FROM package_coverage WHERE package_id = ?`),
      coverageSet: sqlite.prepare(`INSERT OR REPLACE INTO package_coverage (package_id, expected, included) VALUES (?, ?, ?)`),
    };
  });
  return {
    list: (direction, areaCode) =>
      (areaCode === undefined ? st().list.all(direction) : st().listArea.all(direction, areaCode)) as FeedbackRow[],
    get: (id) => (st().get.get(id) as FeedbackRow | undefined) ?? null,
    insertMany(rows) {
      const s = st();
      let n = 0;
      s.sqlite.transaction(() => {
        for (const r of rows) n += s.insert.run(r).changes;
      })();
      return n;
    },
    remove: (id) => st().remove.run(id).changes > 0,
    markSent(ids, at) {
      const s = st();
      s.sqlite.transaction(() => {
        for (const id of ids) s.markSent.run(at, id);
      })();
    },
    answer: (id, answer, by, at) => st().answer.run(answer, by, at, id).changes > 0,
    applyAnswers(areaCodes, answers, packageId) {
      const s = st();
      const areas = JSON.stringify(areaCodes);
      let n = 0;
      for (const a of answers) n += s.applyAnswer.run(a.answer, a.answeredBy, a.answeredAt, packageId, a.id, areas).changes;
      return n;
    },
    coverageOf(packageId) {
      const r = st().coverageGet.get(packageId) as { expected: string; included: string } | undefined;
      return r ? { expected: JSON.parse(r.expected) as string[], included: JSON.parse(r.included) as string[] } : null;
    },
    setCoverage: (packageId, c) => void st().coverageSet.run(packageId, JSON.stringify(c.expected), JSON.stringify(c.included)),
  };
}
