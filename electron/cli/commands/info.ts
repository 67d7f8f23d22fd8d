import { codeLabel } from '../../../shared/census/codes';
import { parse, requireString } from '../args';
import type { Command } from '../command';
import { call, withCore } from '../open';

const usage = 'info --db FILE [--json]';

export const infoCommand: Command = {
  usage,
  summary: '显示统计调查设置和记录数',
  async run(argv, io) {
    const { values } = parse(argv, { db: { type: 'string' }, json: { type: 'boolean' } }, usage);
    const db = requireString(values.db, 'db', usage);
    return withCore(db, async (core) => {
      const settings = await call(core, 'census.get', {});
      const summary = settings ? await call(core, 'census.summary', {}) : null;
      if (values.json) {
        io.out(JSON.stringify({ settings, summary }, null, 2) + '\n');
        return 0;
      }
      if (!settings) {
        io.out(`${db}：尚未建立统计调查\n`);
        return 0;
      }
      io.out([
        `地区：${settings.areaName}（${settings.areaCode}）`,
        `层级：${codeLabel('level', settings.level)}`,
        `统计时点：${settings.refDate}`,
        `填报单位：${settings.officeName}`,
        `人员：${summary!.persons}  单位：${summary!.units}`,
        `错误：${summary!.issues.error}  警告：${summary!.issues.warning}（已说明 ${summary!.explained}）`,
      ].join('\n') + '\n');
      return 0;
    });
  },
};
