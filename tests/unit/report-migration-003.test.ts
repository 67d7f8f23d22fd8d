/** Migration 003 (population per area, targets): from version 2 with data in it, to version 3. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../electron/core/db/migrations';
import { storeOf } from '../../electron/core/db';
import { Db } from '../../electron/core/db/handle';

const root = mkdtempSync(join(tmpdir(), 'hc-m003-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('migration 003 population_targets', () => {
  it('is registered as version 3', () => {
    expect(migrations[2]).toMatchObject({ version: 3, name: 'population_targets' });
  });

  it('adds the population and targets tables to a version-2 file and keeps its records', () => {
    const file = join(root, 'v2.sqlite');
    const db = new Database(file);
    migrate(db, { to: 2 });
    db.prepare(`INSERT INTO settings VALUES (1, '110101', '北京市 / 东城区', 'county', '2026-12-31', '东城区民政局', '李四', 'x')`).run();
    db.prepare(`INSERT INTO persons (id, area_code, name, created_by, created_at, updated_at) VALUES ('p1', '110101', '张三', 't', 'x', 'x')`).run();
    expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name IN ('population', 'targets')`).pluck().get()).toBe(0);

    expect(migrate(db, { to: 3 })).toEqual({ from: 2, to: 3 });
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare(`SELECT name FROM persons WHERE id = 'p1'`).pluck().get()).toBe('张三');
    const cols = (t: string) => db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t);
    expect(cols('population')).toEqual(['area_code', 'population', 'operator', 'updated_at']);
    expect(cols('targets')).toEqual(['area_code', 'target', 'value', 'operator', 'updated_at']);
    expect(() => db.prepare(`INSERT INTO population VALUES ('110101', -1, 'a', 'x')`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO population VALUES ('110101', 'many', 'a', 'x')`).run()).toThrow();

    // The repositories (written for the newest schema) work on the file brought up from it.
    migrate(db);
    const store = storeOf(Db.wrap(file, db));
    store.population.setMany([{ code: '110101', population: 708_829 }], '李四', 'x');
    store.targets.set('110101', { certRate: 0.5, totalTalents: 1000 }, '李四', 'x');
    expect(store.population.all()).toEqual(new Map([['110101', 708_829]]));
    expect(store.targets.all()).toEqual(new Map([['110101', { certRate: 0.5, totalTalents: 1000 }]]));
    store.close();
  });
});
