/**
 * Exporting a return package while the census stays in use: the records are read from a snapshot on a
 * connection of their own while the writer gives the event loop a turn every few thousand rows, so an
 * edit that arrives mid-export is saved while the records are still being written (not refused with
 * "connection is busy", not held until they are written), and the package holds the census as it was
 * when the export began.
 */
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCore } from '../fixtures/core';
import { countyCensus, exportTo, unpack, YAOHAI } from '../fixtures/packages';

let county: TestCore;

beforeAll(async () => {
  // Enough records for several of the writer's turns (one every 2,048 rows) before and after the edit
  county = await countyCensus(YAOHAI, 12_000, 5);
}, 120_000);
afterAll(() => county.close());

function majorNameIn(csv: Buffer, id: string): string | undefined {
  const rows = Papa.parse<Record<string, string>>(csv.toString('utf8'), { header: true, skipEmptyLines: true }).data;
  return rows.find((r) => r.id === id)?.major_name;
}

describe('a package export while the census is in use', () => {
  it('saves an edit made mid-export at once, and exports the records as they were when it began', async () => {
    const person = (await county.call('persons.list', { offset: 0, limit: 1 })).rows[0]!;
    const before = String(person.data.majorName ?? '');
    const order: string[] = [];
    const labels: string[] = [];
    const edit: { saved?: Promise<unknown> } = {};
    const off = county.core.ctx.events.on('progress', (p: { label: string; done: number; total: number }) => {
      if (p.label === '正在写出记录' && p.done >= p.total) order.push('records written');
      labels.push(p.label);
      if (edit.saved || p.label !== '正在写出记录' || p.done < 5000 || p.done >= p.total) return;
      // Half-way through the records: another request of the same process edits one of them
      edit.saved = county.call('persons.update', { id: person.id, patch: { majorName: '导出期间修改' } }).then(() => order.push('edit saved'));
    });
    try {
      const exported = await exportTo(county, 'during-edit.hcpkg', { confirmUnexplained: true }).then((r) => {
        order.push('export done');
        return r;
      });
      expect(edit.saved).toBeDefined();
      await edit.saved;
      // Saved while the records were still being written, not once the writer let go of the thread
      expect(order).toEqual(['edit saved', 'records written', 'export done']);
      const entries = await unpack(exported.data);
      expect(exported.persons).toBe(12_000);
      expect(majorNameIn(entries.get('persons.csv')!, person.id)).toBe(before);
      expect((await county.call('persons.get', { id: person.id })).row.data.majorName).toBe('导出期间修改');
    } finally {
      off();
    }
    // The next export carries the edit
    const next = await exportTo(county, 'after-edit.hcpkg', { confirmUnexplained: true });
    expect(majorNameIn((await unpack(next.data)).get('persons.csv')!, person.id)).toBe('导出期间修改');
  }, 120_000);
});
