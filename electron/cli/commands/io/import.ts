import { fieldLabel } from '../../../../shared/census/dictionary';
import type { ImportResult } from '../../../../shared/api/methods/io';
import { parse, requireString, UsageError } from '../../args';
import type { Command } from '../../command';
import { call, withCore } from '../../open';

const usage = 'import --db FILE PATH... [--json]';

function where(sheet: string | null, row: number, toRow?: number): string {
  return `${sheet ? `「${sheet}」` : ''}第${row}${toRow ? `–${toRow}` : ''}行`;
}

function text(r: ImportResult): string {
  const lines: string[] = [];
  for (const f of r.files) {
    lines.push(`${f.file}：读取 ${f.rowsRead} 行，新增 ${f.added}，更新 ${f.updated}，未变 ${f.unchanged}，跳过 ${f.skippedTotal} 行；错误 ${f.issueCounts.error} 个，警告 ${f.issueCounts.warning} 个`);
    if (f.unitsAdded) lines.push(`  新建单位 ${f.unitsAdded} 个：${f.unitsAddedNames.join('、')}`);
    for (const d of f.derived) lines.push(`  由「${d.fromLabel}」得出「${d.label}」${d.rows} 行`);
    for (const u of f.unmapped) lines.push(`  未能对应代码：${u.label}「${u.value}」${u.rows} 行${u.spanReason ? `（${u.spanReason}）` : ''}`);
    for (const c of f.conflicts) lines.push(`  冲突 ${where(c.sheet, c.row)} ${c.label} ${c.fieldLabel ?? ''}：本县「${c.countyValue}」，文件「${c.fileValue}」${c.take === 'county' ? '，保留本县的' : ''}`);
    for (const s of f.skipped) lines.push(`  跳过 ${where(s.sheet, s.row, s.toRow)}：${s.reason}`);
    for (const i of f.issues)
      lines.push(`  ${i.severity === 'error' ? '错误' : '警告'} ${where(i.sheet, i.row)} ${i.recordLabel} ${i.field ? `${fieldLabel(i.table, i.field)}：` : ''}${i.message}`);
    if (f.issues.length < f.issueCounts.error + f.issueCounts.warning) lines.push(`  ……另有 ${f.issueCounts.error + f.issueCounts.warning - f.issues.length} 个问题未列出，请用 check 命令查看全部`);
  }
  lines.push(`合计新增 ${r.added}，更新 ${r.updated}`);
  return lines.join('\n') + '\n';
}

export const importCommand: Command = {
  usage,
  summary: '导入乡镇报来的 Excel（.xlsx）或 CSV 表格：全部成功或全部不导入',
  async run(argv, io) {
    const { values, positionals } = parse(argv, { db: { type: 'string' }, json: { type: 'boolean' } }, usage);
    const db = requireString(values.db, 'db', usage);
    if (positionals.length === 0) throw new UsageError(`请指定要导入的表格文件\n用法：${usage}`);
    return withCore(db, async (core) => {
      const result = await call(core, 'io.import.files', { paths: positionals });
      if (values.json) {
        const files = result.files.map((f) => ({
          file: f.file,
          rowsRead: f.rowsRead,
          added: f.added,
          updated: f.updated,
          unchanged: f.unchanged,
          skipped: f.skipped.map(({ sheet, row, toRow, reason }) => ({ sheet, row, ...(toRow ? { toRow } : {}), reason })),
          issues: f.issues.map(({ sheet, row, table, field, rule, severity, message }) => ({ sheet, row, table, field, rule, severity, message })),
          issueCounts: f.issueCounts,
          unitsAdded: f.unitsAdded,
          unitsAddedNames: f.unitsAddedNames,
          unmapped: f.unmapped.map(({ table, field, value, rows, spanReason }) => ({ table, field, value, rows, ...(spanReason ? { spanReason } : {}) })),
          derived: f.derived.map(({ field, from, rows }) => ({ field, from, rows })),
          conflicts: f.conflicts.map(({ kind, sheet, row, field, countyValue, fileValue, take }) => ({ kind, sheet, row, field, countyValue, fileValue, take })),
          held: f.held,
        }));
        io.out(JSON.stringify({ importId: result.importId, files, added: result.added, updated: result.updated, unitsAdded: result.unitsAdded }) + '\n');
      } else io.out(text(result));
      return 0;
    });
  },
};
