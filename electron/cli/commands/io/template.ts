import { parse, requireString } from '../../args';
import type { Command } from '../../command';
import { call, withCore } from '../../open';

const usage = 'template --db FILE -o OUT.xlsx [--township 名称或代码]';

export const templateCommand: Command = {
  usage,
  summary: '生成发给乡镇填报的 Excel 模板（可预填乡镇）',
  async run(argv, io) {
    const { values } = parse(argv, { db: { type: 'string' }, out: { type: 'string', short: 'o' }, township: { type: 'string' } }, usage);
    const db = requireString(values.db, 'db', usage);
    const out = requireString(values.out, 'out', usage);
    return withCore(db, async (core) => {
      await call(core, 'io.template.toFile', { ...(values.township === undefined ? {} : { township: values.township }), outPath: out });
      io.out(`已生成模板：${out}\n`);
      return 0;
    });
  },
};
