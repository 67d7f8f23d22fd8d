import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatValue } from '../../../../shared/reports/format';
import type { ReportSet, ReportTable } from '../../../../shared/reports/schema';
import { parse, requireString, UsageError } from '../../args';
import type { Command } from '../../command';
import { call, withCore } from '../../open';

const usage = 'report --db FILE [--json] [-o OUT.xlsx]';

/** The JSON the issue specifies: tables with columns and rows, and the pending duplicates. */
export function reportJson(set: ReportSet) {
  return {
    area: set.area,
    ref_date: set.refDate,
    tables: set.tables.map((t) => ({
      id: t.id,
      title: t.title,
      notes: t.notes,
      columns: t.columns.map((c) => ({ key: c.key, title: columnTitle(c), group: c.group, label: c.label, format: c.format })),
      rows: t.rows.map((r) => ({ key: r.key, label: r.label, section: r.section, values: r.values })),
    })),
    pending_duplicates: set.pendingDuplicates,
    excluded_duplicates: set.excluded,
  };
}

/** 社区工作者·持证率: the column's group and label as one heading */
export function columnTitle(c: { group: string | null; label: string }): string {
  return c.group && c.group !== c.label ? `${c.group}·${c.label}` : c.label;
}

/** Display width in a terminal: CJK and full-width forms take two cells */
function widthOf(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
const padEnd = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - widthOf(s)));
const padStart = (s: string, w: number) => ' '.repeat(Math.max(0, w - widthOf(s))) + s;

export function tableText(t: ReportTable): string {
  const heads = t.columns.map(columnTitle);
  const stub = t.rows.map((r) => (r.section ? `${r.section}·${r.label}` : r.label));
  const cells = t.rows.map((r) => r.values.map((v, i) => formatValue(v, t.columns[i]!.format)));
  const stubW = Math.max(4, ...stub.map(widthOf));
  const colW = heads.map((h, i) => Math.max(widthOf(h), ...cells.map((row) => widthOf(row[i]!))));
  const lines = [t.title, ...t.notes.map((n) => `  ${n}`)];
  lines.push([padEnd('', stubW), ...heads.map((h, i) => padStart(h, colW[i]!))].join('  '));
  t.rows.forEach((_, r) => lines.push([padEnd(stub[r]!, stubW), ...cells[r]!.map((c, i) => padStart(c, colW[i]!))].join('  ')));
  return lines.join('\n');
}

export const reportCommand: Command = {
  usage,
  summary: '生成汇总表（表1–表5）：在屏幕上显示，或以 --json 输出，或用 -o 导出 Excel',
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { db: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string', short: 'o' } },
      usage,
    );
    if (positionals.length) throw new UsageError(`多余的参数「${positionals.join(' ')}」\n用法：${usage}`);
    const db = requireString(values.db, 'db', usage);
    const out = values.out;
    if (out !== undefined && !/\.xlsx$/i.test(out)) throw new UsageError(`导出文件名应以 .xlsx 结尾：${out}`);
    return withCore(db, async (core) => {
      let set: ReportSet;
      if (out !== undefined) {
        const file = await call(core, 'reports.export', {});
        set = await call(core, 'reports.tables', {});
        // Written beside the target, then renamed: a failed run leaves no half-written workbook.
        const tmp = path.join(path.dirname(path.resolve(out)), `.${path.basename(out)}.${process.pid}.tmp`);
        try {
          writeFileSync(tmp, Buffer.from(file.dataBase64, 'base64'));
          renameSync(tmp, out);
        } catch (e) {
          rmSync(tmp, { force: true });
          throw new UsageError(`无法写入文件 ${out}：${e instanceof Error ? e.message : String(e)}`);
        }
      } else {
        set = await call(core, 'reports.tables', {});
      }
      if (values.json) io.out(JSON.stringify(reportJson(set)) + '\n');
      else if (out === undefined) io.out(set.tables.map(tableText).join('\n\n') + '\n');
      else io.out(`已导出汇总表：${out}（${set.tables.length} 张表）\n`);
      return 0;
    });
  },
};
