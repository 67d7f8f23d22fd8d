/**
 * A return that only updates: a county started from last census gets back every person's 证件号码, 姓名
 * and 变动情况 (留任). The write stores only the changed columns and keeps each record's earlier values
 * in key order for undo; held here: every other value is left exactly as it was, and undo brings every
 * record back exactly.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../electron/core/services/io/import';
import { fieldsOf } from '../../shared/census/dictionary';
import type { RecordRow } from '../../shared/census/schema';
import { countyCensus } from '../fixtures/packages';
import type { TestCore } from '../fixtures/core';
import { nextCensus } from '../fixtures/periods';

const opened: TestCore[] = [];
afterAll(() => {
  for (const t of opened) t.close();
});

const byId = (rows: RecordRow[]) => new Map(rows.map((r) => [r.id, r]));

describe('an import that only updates', () => {
  it('changes 变动情况 alone for 3,000 carried persons, and undo puts every record back as it was', async () => {
    const last = await countyCensus('110101', 3000, 21);
    opened.push(last);
    const t = await nextCensus(last.core.dbPath, '2027-12-31');
    opened.push(t);
    const store = t.core.ctx.store;
    // Odd stored values the update must not touch: a blank kept as '' and the clerk's text in a number column.
    const [a, b] = [...store.persons.iterate()];
    store.persons.update(a!.id, { majorName: '' }, '2027-01-01T00:00:00.000Z');
    store.persons.update(b!.id, { cumTrainingHours: '约三十' as unknown as number }, '2027-01-01T00:00:00.000Z');
    const before = [...store.persons.iterate()];
    const csv = '证件号码,姓名,变动情况\r\n' + before.map((r) => `${String(r.data.idNumber)},${String(r.data.name)},留任`).join('\r\n') + '\r\n';
    const file = path.join(t.dir, '回执.csv');
    writeFileSync(file, iconv.encode(csv, 'gbk'));

    const r = await importFiles(t.core.ctx, [file]);
    expect(r).toMatchObject({ added: 0, updated: 3000 });
    const after = byId([...store.persons.iterate()]);
    for (const p of before) {
      const q = after.get(p.id)!;
      expect(q.data).toStrictEqual({ ...p.data, change: '10' });
      expect(q.source).toMatchObject({ file: '回执.csv' });
    }
    expect(after.get(a!.id)!.data.majorName).toBe('');
    expect(after.get(b!.id)!.data.cumTrainingHours).toBe('约三十');
    // One audit entry per person, for the one field that changed.
    const history = await t.call('history.list', { table: 'person', recordId: a!.id });
    expect(history.filter((e) => e.action === 'import').map((e) => e.field)).toEqual(['change']);

    const undone = await t.call('io.imports.undo', { importId: r.importId! });
    expect(undone).toEqual({ removed: 0, restored: 3000 });
    const back = byId([...store.persons.iterate()]);
    for (const p of before) expect(back.get(p.id)).toMatchObject({ data: p.data, source: p.source });
  }, 120_000);

  it('writes the right columns however many different sets of them the rows change', async () => {
    const t = await countyCensus('110101', 300, 22);
    opened.push(t);
    const store = t.core.ctx.store;
    const rows = [...store.persons.iterate()];
    // 300 rows, each changing its own set of text fields: past the cache of statements, then every column.
    const texts = fieldsOf.person.filter((f) => f.type === 'text').map((f) => f.key).slice(0, 9);
    const expected = new Map<string, RecordRow['data']>();
    store.tx(() => {
      rows.forEach((r, i) => {
        const fields = texts.filter((_, k) => (i >> k) & 1);
        const data = { ...r.data, ...Object.fromEntries(fields.map((k) => [k, `值${i}`])) };
        store.imports.updateImported('person', r.id, data, { file: 'x.csv', row: i + 2 }, '2027-01-01T00:00:00.000Z', fields);
        expected.set(r.id, data);
      });
    });
    for (const r of store.persons.iterate()) {
      expect(r.data).toStrictEqual(expected.get(r.id));
      expect(r.source).toMatchObject({ file: 'x.csv' });
    }
  });
});
