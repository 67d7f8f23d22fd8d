/**
 * An import's stage file (db/stage-file.ts, worker/stage.ts): the added persons are written beside the
 * census by the reading worker while the import plans, and moved in with one INSERT … SELECT. The
 * census must come out exactly as when every row is bound on the importing thread, the file must be
 * gone afterwards whatever happened, and a stage that fails must never fail the import.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../electron/core/services/io/import';
import { STAGE_STATS } from '../../electron/core/services/io/import-write';
import { STAGE_MIN_ROWS } from '../../electron/core/services/io/plan';
import { startStage } from '../../electron/core/worker/stage';
import { DONGCHENG, openTestCore, removeDir, type TestCore } from '../fixtures/core';
import { makeIdNumber, writeCsv } from '../fixtures/township-returns';

const opened: TestCore[] = [];
afterEach(() => {
  for (const t of opened.splice(0)) {
    t.close();
    removeDir(t.dir);
  }
  delete process.env.HEADCOUNT_PARSE_IN_PROCESS;
});

async function census(): Promise<TestCore> {
  const t = await openTestCore();
  opened.push(t);
  await t.call('census.setup', DONGCHENG);
  return t;
}

/** A township return of persons `from` to `to - 1`: some name units no census has, some fill fields the import derives */
function township(t: TestCore, name: string, from: number, to: number, changed = false): string {
  const rows: (string | number | null)[][] = [['姓名', '证件号码', '性别', '学历', '专业名称', '所在单位', '服务领域', '取得年份', '联系电话']];
  for (let i = from; i < to; i++) {
    const birth = `${1960 + (i % 40)}${String(1 + (Math.floor(i / 40) % 12)).padStart(2, '0')}${String(1 + (Math.floor(i / 480) % 28)).padStart(2, '0')}`;
    rows.push([
      `人员${i}`, makeIdNumber(birth, 100 + Math.floor(i / 13_440)), i % 2 ? '男' : '女', changed ? '硕士' : i % 3 ? '本科' : '大专',
      i % 4 ? '社会工作' : null, `机构${i % 17}`, i % 5 ? '社会救助' : '社会救助、儿童福利', i % 7 ? 2015 + (i % 10) : null, i % 11 ? `1390000${String(i).padStart(4, '0')}` : '十二',
    ]);
  }
  return writeCsv(path.join(t.dir, name), rows, 'gbk');
}

/** Everything the census holds about its records, ids and clock times aside, in stored order */
function contents(t: TestCore) {
  const db = new Database(t.core.ctx.store.path, { readonly: true });
  try {
    const persons = db.prepare('SELECT * FROM persons ORDER BY rowid').all() as Record<string, unknown>[];
    const units = db.prepare('SELECT * FROM units ORDER BY rowid').all() as Record<string, unknown>[];
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const ids = new Map(persons.map((p, i) => [p.id, `person ${i}`]));
    const strip = (r: Record<string, unknown>) => {
      const { id: _i, created_at: _c, updated_at: _u, unit_id, ...rest } = r;
      return unit_id === undefined ? rest : { ...rest, unit: unitName.get(unit_id) ?? unit_id };
    };
    const audit = (db.prepare('SELECT table_name, record_id, action, field, old_value, new_value, note, operator FROM audit_log ORDER BY id').all() as Record<string, unknown>[])
      .map(({ record_id, ...a }) => ({ ...a, record: ids.get(record_id) ?? (unitName.has(record_id) ? `unit ${unitName.get(record_id)}` : record_id) }));
    const imported = db.prepare('SELECT table_name, kind, count(*) AS n FROM import_records GROUP BY table_name, kind ORDER BY 1, 2').all();
    return { persons: persons.map(strip), units: units.map(strip), audit, imported };
  } finally {
    db.close();
  }
}

/** Previews a township return of persons 0 to `rows - 1` as the clerk's screen uploads it */
function previewReturn(t: TestCore, name: string, rows: number) {
  return t.call('io.import.preview', { files: [{ name, dataBase64: readFileSync(township(t, name, 0, rows)).toString('base64') }] });
}

const stageFiles = (t: TestCore) => readdirSync(t.dir).filter((n) => n.includes('.import-stage-'));

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('an import with a stage file', () => {
  it('stores exactly what binding every row on the importing thread stores: adds, updates, units from names, derived fields, history', async () => {
    expect(STAGE_MIN_ROWS).toBeLessThanOrEqual(3_000);
    const staged = await census();
    const bound = await census();
    for (const [t, inProcess] of [[staged, false], [bound, true]] as const) {
      if (inProcess) process.env.HEADCOUNT_PARSE_IN_PROCESS = '1';
      // 3,000 new persons, then 1,200 of them again with another 学历 beside 2,400 new ones
      const first = await importFiles(t.core.ctx, [township(t, '东华门街道.csv', 0, 3_000)]);
      expect(first.added).toBe(3_000);
      const second = await importFiles(t.core.ctx, [township(t, '景山街道.csv', 1_800, 5_400, true)]);
      expect(second).toMatchObject({ added: 2_400, updated: 1_200 });
      expect(stageFiles(t)).toEqual([]);
      delete process.env.HEADCOUNT_PARSE_IN_PROCESS;
    }
    // The first census took every added person from a stage file, the second bound them all
    expect(staged.core.ctx.state.get(STAGE_STATS)).toEqual({ moved: 5_400, failed: 0 });
    expect(bound.core.ctx.state.get(STAGE_STATS)).toEqual({ moved: 0, failed: 0 });
    const a = contents(staged);
    const b = contents(bound);
    expect(a.persons).toHaveLength(5_400);
    expect(a.persons[1]).toMatchObject({ name: '人员1', area_code: '110101', source_file: '东华门街道.csv', source_row: 3, created_by: '李四', unit: '机构1', major_category: expect.any(String) });
    expect(a.persons.at(-1)).toMatchObject({ name: '人员5399', education: expect.any(String), source_file: '景山街道.csv', source_row: 3_601 });
    expect(a.persons[1_800]).toMatchObject({ name: '人员1800', source_file: '景山街道.csv', source_row: 2 });
    expect(a.audit.length).toBeGreaterThan(5_400);
    expect(a).toEqual(b);

    // The stage's rows are the import's own: undo removes exactly them
    const list = await staged.call('io.imports.list', {});
    expect(await staged.call('io.imports.undo', { importId: list[0]!.id })).toMatchObject({ removed: 2_400, restored: 1_200 });
    expect((await staged.call('persons.list', {})).total).toBe(3_000);
  }, 120_000);

  it('is written while the clerk looks at the preview and gone once the import is committed', async () => {
    const t = await census();
    const p = await previewReturn(t, '东华门街道.csv', 2_500);
    await until(() => stageFiles(t).length === 1, 'the stage file');
    const r = await t.call('io.import.commit', { importId: p.importId });
    expect(r.added).toBe(2_500);
    expect(t.core.ctx.state.get(STAGE_STATS)).toEqual({ moved: 2_500, failed: 0 });
    expect(stageFiles(t)).toEqual([]);
    expect((await t.call('persons.list', {})).total).toBe(2_500);
  }, 60_000);

  it('is deleted when the preview is dropped or replaced', async () => {
    const t = await census();
    const first = await previewReturn(t, '街道2100.csv', 2_100);
    await until(() => stageFiles(t).length === 1, 'the first stage file');
    const name = stageFiles(t)[0];
    // A second preview: only the newest keeps its plan, so the first one's stage goes
    const second = await previewReturn(t, '街道2200.csv', 2_200);
    await until(() => stageFiles(t).length === 1 && stageFiles(t)[0] !== name, 'the second stage file alone');
    await t.call('io.import.discard', { importId: second.importId });
    await until(() => stageFiles(t).length === 0, 'no stage file');
    // The first preview lost its plan: committing it plans again and still writes everything
    expect((await t.call('io.import.commit', { importId: first.importId })).added).toBe(2_100);
    expect(t.core.ctx.state.get(STAGE_STATS)).toEqual({ moved: 2_100, failed: 0 });
    expect(stageFiles(t)).toEqual([]);
  }, 60_000);

  it('falls back to binding the rows when the stage file is gone by the time of the write', async () => {
    const t = await census();
    const p = await previewReturn(t, '东华门街道.csv', 2_300);
    await until(() => stageFiles(t).length === 1, 'the stage file');
    // Something removes the file while the clerk looks at the preview (the worker finishes into a new one)
    rmSync(path.join(t.dir, stageFiles(t)[0]!));
    const r = await t.call('io.import.commit', { importId: p.importId });
    expect(r.added).toBe(2_300);
    expect(t.core.ctx.state.get(STAGE_STATS)).toEqual({ moved: 0, failed: 1 });
    expect((await t.call('persons.list', {})).total).toBe(2_300);
    expect(stageFiles(t)).toEqual([]);
  }, 60_000);

  it('is deleted when the preview is cancelled while the rows are being matched (the stage already started)', async () => {
    const t = await census();
    const file = township(t, '东华门街道.csv', 0, 30_000);
    let cancelled: Promise<unknown> | null = null;
    let sawStage = false;
    t.core.events.on('progress', (e) => {
      if (e.taskId !== 'stage-1' || !e.label.startsWith('正在比对') || e.done < 10_000 || cancelled) return;
      // Several thousand persons planned: the stage has its rows coming in
      sawStage = stageFiles(t).length === 1;
      cancelled = t.call('io.cancel', { taskId: 'stage-1' });
    });
    const err = await t.fail('io.import.preview', { files: [{ name: '东华门街道.csv', dataBase64: readFileSync(file).toString('base64') }], taskId: 'stage-1' });
    expect(err).toMatchObject({ code: 'cancelled' });
    expect(await (cancelled as Promise<unknown> | null)).toEqual({ cancelled: true });
    expect(sawStage).toBe(true);
    await until(() => stageFiles(t).length === 0, 'the stage file to go');
    expect((await t.call('persons.list', {})).total).toBe(0);
  }, 60_000);

  it('answers null (write the rows yourself) when its worker cannot write the file', async () => {
    const stage = startStage(path.join('/nonexistent-dir-headcount', 'census.sqlite'), 'person');
    expect(stage).not.toBeNull();
    for (let i = 0; i < 10; i++) stage!.add([`id${i}`, '110101', ...Array(39).fill(null), 'f.csv', null, i + 2, null, null, null]);
    expect(stage!.count).toBe(10);
    expect(await stage!.finish()).toBeNull();
    stage!.discard();
  });
});

describe('stage files left by a crash', () => {
  it('are deleted when the census is opened again, unless their process is still running', async () => {
    const t = await census();
    const censusPath = t.core.ctx.store.path;
    // A process that has ended: its pid is free
    const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(ended.stdout);
    const dead = path.join(t.dir, `.${path.basename(censusPath)}.import-stage-${deadPid}-x1`);
    const mine = path.join(t.dir, `.${path.basename(censusPath)}.import-stage-${process.pid}-x2`);
    const other = path.join(t.dir, `.other.sqlite.import-stage-${deadPid}-x3`);
    for (const f of [dead, mine, other]) writeFileSync(f, 'scratch');
    t.close();
    const again = await openTestCore(t.dir);
    opened[opened.indexOf(t)] = again;
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(mine)).toBe(true);
    // Another census's files are its own business
    expect(existsSync(other)).toBe(true);
  });
});
