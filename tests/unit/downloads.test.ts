/**
 * Files the core keeps for the window to save (`files.download`): an export answers with an id and a
 * size instead of base64 (a province's microdata would not fit in one string), the bytes come back
 * exactly and once (the file is deleted as it is read), the newest few unfetched ones are kept and
 * older ones refused in words, a failed build leaves nothing, closing the core deletes them all, and a
 * crashed run's folder is swept at the next start.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { buildDownload, downloadsDir, KEPT_DOWNLOADS} from '../../electron/core/services/downloads';
import { DONGCHENG, keptBytes, openTestCore, removeDir } from '../fixtures/core';

describe('kept downloads', () => {
  it('export answers an id; the bytes come back whole; the oldest give way; closing deletes them', async () => {
    const t = await openTestCore();
    try {
      await t.call('census.setup', DONGCHENG);
      await t.call('census.demo', { persons: 30, units: 3, seed: 5 });
      const ref = await t.call('io.export', { format: 'csv', codes: false, table: 'person' });
      expect(ref).toMatchObject({ fileName: '社会工作专业人才_东城区_人员.csv', downloadId: expect.stringMatching(/^[0-9a-f-]{36}$/), rows: 30 });
      expect(ref).not.toHaveProperty('dataBase64');
      const bytes = await keptBytes(t, ref);
      expect(bytes.length).toBe(ref.size);
      const rows = Papa.parse<string[]>(bytes.toString('utf8').replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
      expect(rows).toHaveLength(31);
      // Handed over once: the file holds personal data and is deleted as it is read.
      expect(await t.fail('files.download', { downloadId: ref.downloadId })).toMatchObject({ code: 'not_found', message: expect.stringContaining('已经保存过') });
      expect(readdirSync(downloadsDir(t.core.ctx)!)).toHaveLength(0);

      // Unfetched ones: the newest KEPT_DOWNLOADS stay, older ones give way.
      const later = [];
      for (let i = 0; i <= KEPT_DOWNLOADS; i++) later.push(await t.call('io.export', { format: i % 2 ? 'xlsx' : 'csv', codes: i % 2 === 0, table: 'person' }));
      const dir = downloadsDir(t.core.ctx)!;
      expect(readdirSync(dir)).toHaveLength(KEPT_DOWNLOADS);
      expect(await t.fail('files.download', { downloadId: later[0]!.downloadId })).toMatchObject({ code: 'not_found', message: expect.stringContaining('请重新导出') });
      expect((await keptBytes(t, later[1]!)).length).toBe(later[1]!.size);
      expect(readdirSync(dir)).toHaveLength(KEPT_DOWNLOADS - 1);

      // A build that fails keeps nothing and leaves no file.
      await expect(buildDownload(t.core.ctx, 'x.csv', async (file) => {
        writeFileSync(file, 'half');
        throw new Error('disk full');
      })).rejects.toThrow('disk full');
      expect(readdirSync(dir)).toHaveLength(KEPT_DOWNLOADS - 1);

      t.close();
      expect(existsSync(dir)).toBe(false);
    } finally {
      removeDir(t.dir);
    }
  });

  it('an unknown id is refused in words', async () => {
    const t = await openTestCore();
    try {
      await t.call('census.setup', DONGCHENG);
      expect(await t.fail('files.download', { downloadId: 'nope' })).toMatchObject({ code: 'not_found' });
      expect(downloadsDir(t.core.ctx)).toBeNull();
    } finally {
      t.close();
      removeDir(t.dir);
    }
  });
});
