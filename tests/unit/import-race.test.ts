/**
 * An import plans over seconds at census scale, giving the event loop turns (progress, cancel); a clerk's edit in
 * the same app can land in one of them. The import must not write as if it had not happened.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DONGCHENG, freshCensusEachTest, type TestCore } from '../fixtures/core';
import { validPerson } from '../fixtures/records';
import { makeIdNumber, writeCsv } from '../fixtures/township-returns';

let t: TestCore;
freshCensusEachTest(DONGCHENG, (core) => (t = core));

const upload = (file: string) => ({ name: path.basename(file), dataBase64: readFileSync(file).toString('base64') });

function returns(n: number): { file: string; ids: string[] } {
  const rows: (string | number)[][] = [['姓名', '证件号码', '学历']];
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const id = makeIdNumber(`198${Math.floor(i / 28000) % 10}03${day}`, Math.floor(i / 28) % 1000);
    ids.push(id);
    rows.push([`人员${i}`, id, '本科']);
  }
  return { file: writeCsv(path.join(t.dir, '返回表.csv'), rows, 'utf-8'), ids };
}

describe('an edit made while an import plans', () => {
  it.each(['preview', 'commit'] as const)('during the %s is seen by the write: the person the clerk entered is not added twice', async (when) => {
    const { file, ids } = returns(12_000);
    expect(new Set(ids).size).toBe(12_000);
    const target = ids[11_000]!;
    let typed: Promise<unknown> | null = null;
    const off = t.core.events.on('progress', (e) => {
      // The preview's matching, or the commit's last turn before its transaction
      if (e.taskId !== when || e.phase !== (when === 'preview' ? 'check' : 'write') || typed) return;
      // Typed into the grid while the import checks its rows
      typed = t.call('persons.create', { data: validPerson({ name: '录入员刚录的人', idNumber: target }) });
    });
    const p = await t.call('io.import.preview', { files: [upload(file)], ...(when === 'preview' ? { taskId: 'preview' } : {}) });
    const r = await t.call('io.import.commit', { importId: p.importId, ...(when === 'commit' ? { taskId: 'commit' } : {}) });
    off();
    // Assigned inside the listener, which TypeScript's narrowing cannot see
    const edit = typed as Promise<unknown> | null;
    expect(edit).not.toBeNull();
    await edit;
    const found = await t.call('persons.list', { search: target });
    expect(found.total).toBe(1);
    // Everyone else in the return is added; the clerk's person is matched by ID number, not added again
    expect(r.added).toBe(11_999);
  });
});
