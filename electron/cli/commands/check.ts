import { fieldLabel } from '../../../shared/census/dictionary';
import { parse, requireString } from '../args';
import type { Command } from '../command';
import { call, withCore } from '../open';

const usage = 'check --db FILE [--json]';

export const checkCommand: Command = {
  usage,
  summary: '检查全部记录，列出错误和警告；有错误时退出码为1',
  async run(argv, io) {
    const { values } = parse(argv, { db: { type: 'string' }, json: { type: 'boolean' } }, usage);
    const db = requireString(values.db, 'db', usage);
    return withCore(db, async (core) => {
      const res = await call(core, 'issues.list', { offset: 0, limit: 10_000_000 });
      if (values.json) {
        const issues = res.issues.map(({ table, recordId, field, rule, severity, message, source }) =>
          source ? { table, recordId, field, rule, severity, message, source } : { table, recordId, field, rule, severity, message });
        io.out(JSON.stringify({ issues, counts: res.counts }) + '\n');
      } else {
        for (const i of res.issues) {
          const where = i.source ? `（${i.source.file}${i.source.sheet ? ` ${i.source.sheet}` : ''} 第${i.source.row}行）` : '';
          io.out(`${i.severity === 'error' ? '错误' : '警告'}  ${i.recordLabel}  ${fieldLabel(i.table, i.field)}：${i.message}${where}\n`);
        }
        io.out(`共 ${res.counts.error} 个错误，${res.counts.warning} 个警告\n`);
      }
      return res.counts.error > 0 ? 1 : 0;
    });
  },
};
