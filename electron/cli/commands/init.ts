import { existsSync, rmSync } from 'node:fs';
import { levelSchema } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { openCoreForFile } from '../../core/app';
import { parse, requireString, UsageError } from '../args';
import type { Command } from '../command';
import { call } from '../open';

const usage = 'init --db FILE --area CODE --level county|city|province --ref-date YYYY-MM-DD [--name TEXT] [--operator TEXT]\n' +
  '       init --db NEW --from LAST.sqlite --ref-date YYYY-MM-DD [--name TEXT] [--operator TEXT]   （新建下一期，沿用上期名单）';

export const initCommand: Command = {
  usage,
  summary: '建立统计调查（地区、层级、统计时点、填报单位）',
  async run(argv, io) {
    const { values } = parse(argv, {
      db: { type: 'string' }, area: { type: 'string' }, level: { type: 'string' }, 'ref-date': { type: 'string' },
      name: { type: 'string' }, operator: { type: 'string' }, from: { type: 'string' },
    }, usage);
    const db = requireString(values.db, 'db', usage);
    if (typeof values.from === 'string') return initFrom(db, values.from, values, io);
    const area = requireString(values.area, 'area', usage);
    const level = levelSchema.safeParse(requireString(values.level, 'level', usage));
    if (!level.success) throw new UsageError(`--level 只能是 county、city 或 province\n用法：${usage}`);
    const refDate = requireString(values['ref-date'], 'ref-date', usage);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(refDate)) throw new UsageError(`--ref-date 应为 YYYY-MM-DD 格式，如 2026-12-31`);
    if (!/^\d{6}$/.test(area)) throw new UsageError(`--area 应为6位行政区划代码，如 110101`);
    const s = await inNewFile(db, (core) =>
      call(core, 'census.setup', {
        areaCode: area, level: level.data, refDate,
        officeName: typeof values.name === 'string' && values.name ? values.name : '未填写',
        operator: typeof values.operator === 'string' && values.operator ? values.operator : '命令行',
      }),
    );
    io.out(`已建立统计调查：${s.areaName}（${s.areaCode}），统计时点 ${s.refDate}，数据库 ${db}\n`);
    return 0;
  },
};

/** Sets up a census in a file that must not exist yet; a refused setup (e.g. unknown area) leaves no half-made file. */
async function inNewFile<T>(db: string, setup: (core: ReturnType<typeof openCoreForFile>) => Promise<T>): Promise<T> {
  if (existsSync(db)) {
    // Never overwrite: an existing Headcount file is refused, a foreign one is refused untouched.
    const core = openCoreForFile(db);
    core.close();
    throw new ApiError('conflict', `数据库文件已存在：${db}。如要重新建立，请换一个文件名`);
  }
  const core = openCoreForFile(db, { create: true });
  let created = false;
  try {
    const result = await setup(core);
    created = true;
    return result;
  } finally {
    core.close();
    if (!created) for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  }
}

/** The next census from the last one: area and level come from LAST, which is only read. */
async function initFrom(db: string, from: string, values: Record<string, unknown>, io: Parameters<Command['run']>[1]): Promise<number> {
  const refDate = requireString(values['ref-date'] as string | undefined, 'ref-date', usage);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(refDate)) throw new UsageError(`--ref-date 应为 YYYY-MM-DD 格式，如 2027-06-30`);
  if (values.area !== undefined || values.level !== undefined) throw new UsageError(`--from 沿用上期的地区和层级，不能同时指定 --area 或 --level\n用法：${usage}`);
  if (!existsSync(from)) throw new ApiError('not_found', `找不到上期数据库文件：${from}`);
  const s = await inNewFile(db, (core) =>
    call(core, 'census.setupFrom', {
      previousPath: from, refDate,
      ...(typeof values.name === 'string' && values.name ? { officeName: values.name } : {}),
      ...(typeof values.operator === 'string' && values.operator ? { operator: values.operator } : {}),
    }),
  );
  io.out(`已建立统计调查：${s.areaName}（${s.areaCode}），统计时点 ${s.refDate}，沿用上期（${s.previousRefDate}）名单：单位 ${s.carriedUnits} 个、人员 ${s.carriedPersons} 人（变动情况待确认），数据库 ${db}\n`);
  return 0;
}
