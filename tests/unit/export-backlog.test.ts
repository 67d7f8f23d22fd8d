/**
 * The xlsx export waits for the zip compressor: exceljs's streaming writer never does, so a census-size
 * sheet used to pile up uncompressed in memory (1.4 GB for 1M persons, bench/README.md session 16).
 * This holds the real exceljs to the wiring `sheetDrained` relies on, and the wait to its bound.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sheetBacklog, sheetDrained } from '../../electron/core/services/io/output';
import { streamingWorkbook } from '../../electron/core/services/io/output';

describe('xlsx export backlog', () => {
  it('sees the sheet XML waiting for the compressor, and waits until it is back under the bound', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'backlog-'));
    try {
      const wb = streamingWorkbook(path.join(dir, 'big.xlsx'), { styles: false });
      const ws = wb.addWorksheet('人员');
      const text = '社会工作者'.repeat(400);
      ws.addRow(['姓名', '说明']).commit();
      // Written without yielding, as fast as a loop can: the compressor gets no turn to take any of it
      for (let i = 0; i < 2000; i++) ws.addRow([`人员${i}`, text]).commit();
      const before = sheetBacklog(ws);
      // If this is undefined, exceljs no longer wires sheets as sheetDrained expects: the export would not wait.
      expect(before).toBeGreaterThan(2 * 1024 * 1024);
      const limit = 1024 * 1024;
      await sheetDrained(ws, limit);
      expect(sheetBacklog(ws)).toBeLessThanOrEqual(limit);
      ws.commit();
      await wb.commit();
      expect(statSync(path.join(dir, 'big.xlsx')).size).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
