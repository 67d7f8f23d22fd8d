import { parse, intOption, requireString } from '../args';
import type { Command } from '../command';
import { call, withCore } from '../open';

const usage = 'demo --db FILE --persons N --units M [--seed S]';

export const demoCommand: Command = {
  usage,
  summary: '生成本地区的演示数据（全部有效，同一种子结果相同）',
  async run(argv, io) {
    const { values } = parse(argv, { db: { type: 'string' }, persons: { type: 'string' }, units: { type: 'string' }, seed: { type: 'string' } }, usage);
    const db = requireString(values.db, 'db', usage);
    const persons = intOption(values.persons, 'persons', 1000, 1, 1_000_000);
    const units = intOption(values.units, 'units', Math.max(1, Math.ceil(persons / 30)), 1, 100_000);
    const seed = typeof values.seed === 'string' ? (/^\d+$/.test(values.seed) ? Number(values.seed) : values.seed) : 1;
    return withCore(db, async (core) => {
      const t0 = performance.now();
      const r = await call(core, 'census.demo', { persons, units, seed });
      io.out(`已生成演示数据：人员 ${r.persons} 人，单位 ${r.units} 个，用时 ${((performance.now() - t0) / 1000).toFixed(1)} 秒\n`);
      return 0;
    });
  },
};
