import { parse, requireString, UsageError } from '../../args';
import type { Command } from '../../command';
import { call, withCore } from '../../open';

const usage = 'export-data --db FILE --format csv|xlsx|parquet [--codes] [--table person|unit] -o OUT';

export const exportDataCommand: Command = {
  usage,
  summary: '导出全部记录（微观数据）为 xlsx（人员、单位两表）、csv（一表，UTF-8 带 BOM）或 parquet（一表，带类型，代码与名称两列并列）；--codes 输出代码而非名称（xlsx、csv）',
  async run(argv, io) {
    const { values } = parse(argv, {
      db: { type: 'string' }, format: { type: 'string' }, codes: { type: 'boolean' }, table: { type: 'string' }, out: { type: 'string', short: 'o' },
    }, usage);
    const db = requireString(values.db, 'db', usage);
    const format = requireString(values.format, 'format', usage);
    const out = requireString(values.out, 'out', usage);
    if (format !== 'csv' && format !== 'xlsx' && format !== 'parquet') throw new UsageError(`参数 --format 应为 csv、xlsx 或 parquet，现为「${format}」\n用法：${usage}`);
    const table = values.table ?? 'person';
    if (table !== 'person' && table !== 'unit') throw new UsageError(`参数 --table 应为 person 或 unit，现为「${table}」\n用法：${usage}`);
    return withCore(db, async (core) => {
      const r = await call(core, 'io.export.toFile', { format, codes: values.codes === true, table, outPath: out });
      io.out(`已导出 ${r.rows} 条记录：${out}\n`);
      if (r.untyped) io.out(`注意：有 ${r.untyped} 个数值、是否或日期单元格的内容不是有效值（如「十二」），Parquet 的带类型列中已留空；请先在问题清单中修正\n`);
      if (r.clipped) io.out(`注意：有 ${r.clipped} 个单元格超过 Excel 的上限 32767 字，已截断并在单元格末尾注明；完整内容请用 --format csv 导出\n`);
      return 0;
    });
  },
};
