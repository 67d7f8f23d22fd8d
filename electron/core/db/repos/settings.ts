import { censusSettingsSchema, type CensusSettings } from '../../../../shared/api/contract';
import { sqliteOf, type Db } from '../handle';

export interface SettingsRepo {
  get(): CensusSettings | null;
  save(settings: CensusSettings): void;
}

/** The census settings: one row, or none before setup. */
export function settingsRepo(db: Db): SettingsRepo {
  const sqlite = sqliteOf(db);
  const select = sqlite.prepare(
    `SELECT area_code AS areaCode, area_name AS areaName, level, ref_date AS refDate,
            office_name AS officeName, operator, created_at AS createdAt, planning_start AS planningStart
     FROM settings WHERE id = 1`,
  );
  const upsert = sqlite.prepare(
    `INSERT INTO settings (id, area_code, area_name, level, ref_date, office_name, operator, created_at, planning_start)
     VALUES (1, :areaCode, :areaName, :level, :refDate, :officeName, :operator, :createdAt, :planningStart)
     ON CONFLICT (id) DO UPDATE SET
       area_code = excluded.area_code, area_name = excluded.area_name, level = excluded.level,
       ref_date = excluded.ref_date, office_name = excluded.office_name, operator = excluded.operator,
       created_at = excluded.created_at, planning_start = excluded.planning_start`,
  );
  return {
    get() {
      const row = select.get();
      // Parsing narrows `level` and catches a hand-edited file early.
      return row === undefined ? null : censusSettingsSchema.parse(row);
    },
    save(settings) {
      upsert.run(censusSettingsSchema.parse(settings));
    },
  };
}
