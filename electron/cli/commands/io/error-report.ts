import { parse, requireString } from '../../args';
import type { Command } from '../../command';
import { call, withCore } from '../../open';

const usage = 'error-report --db FILE [--file 原文件名] -o OUT.xlsx';

export const errorReportCommand: Command = {
  usage,
  summary: '生成退回乡镇修改的问题表（标出有问题的单元格并附说明，改正后可直接重新导入）',
  async run(argv, io) {
    const { values } = parse(argv, { db: { type: 'string' }, file: { type: 'string' }, out: { type: 'string', short: 'o' } }, usage);
    const db = requireString(values.db, 'db', usage);
    const out = requireString(values.out, 'out', usage);
    return withCore(db, async (core) => {
      const r = await call(core, 'io.errorReport.toFile', { ...(values.file === undefined ? {} : { file: values.file }), outPath: out });
      io.out(`问题表共 ${r.rows} 条记录：${out}\n`);
      return 0;
    });
  },
};
