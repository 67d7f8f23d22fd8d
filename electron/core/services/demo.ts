/** Loads a synthetic census (shared/census/demo.ts) for the census's own area in one transaction. */
import type { MethodOutput, ParsedInput } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { generateDemo } from '../../../shared/demo';
import type { RecordRow } from '../../../shared/census/schema';
import { isoNow, requireSettings, touch, type ServiceContext } from './context';
import { townshipsOf } from './io/places';

export function loadDemo(ctx: ServiceContext, input: ParsedInput<'census.demo'>): MethodOutput<'census.demo'> {
  const s = requireSettings(ctx);
  if (ctx.store.persons.count() > 0 || ctx.store.units.count() > 0)
    throw new ApiError('conflict', '数据库中已有记录，演示数据只能生成到空的统计调查中');
  const townships = townshipsOf(ctx).list.map((t) => ({
    code: t.code, name: t.name, countyCode: t.code.slice(0, 6),
    // Two 城关镇 in one city: unit names then carry their county
    countyName: ctx.divisions.get(t.code.slice(0, 6))?.name,
  }));
  if (input.persons < input.units) throw new ApiError('bad_input', `人员数（${input.persons}）不能少于单位数（${input.units}）：每个单位至少要有一名人员`);
  if (townships.length === 0) throw new ApiError('bad_input', `${s.areaName} 下没有乡镇（街道）数据，无法生成演示数据`);
  const demo = generateDemo({ areaCode: s.areaCode, townships, persons: input.persons, units: input.units, seed: input.seed, refDate: s.refDate });
  const now = isoNow(ctx);
  const row = (r: { id: string; data: RecordRow['data'] }): RecordRow => ({
    id: r.id, areaCode: s.areaCode, data: r.data, source: null, createdBy: s.operator, createdAt: now, updatedAt: now,
  });
  ctx.store.tx(() => {
    ctx.store.units.insertMany(demo.units.map(row));
    ctx.store.persons.insertMany(demo.persons.map(row));
    ctx.store.audit.append([
      { table: 'unit', recordId: '*', action: 'import', field: null, oldValue: null,
        newValue: JSON.stringify({ demo: true, seed: input.seed, persons: demo.persons.length, units: demo.units.length }), operator: s.operator, at: now },
    ]);
  });
  touch(ctx);
  return { persons: demo.persons.length, units: demo.units.length };
}
