/**
 * 新建下一期，沿用上期名单: sets up an empty census as the next one after a census file on disk. The
 * last file is never written: it is copied through a read-only connection into a temporary file,
 * which is opened (and brought to this schema) and read from there.
 *
 * What is carried: the area, level, office and operator; the office's signing key (the level above
 * keeps trusting it) and the keys it trusts; population figures, targets and their deadlines; the
 * earlier censuses' headline figures plus the last one's (the trend). A county also carries its units
 * and its persons — all but those who had already left — each person 待确认 with last period's
 * certificate level kept as 上期职业资格等级, and last period's values kept beside them (上期 → 本期).
 * 统计期培训学时 belongs to a period and starts empty. Upper levels carry no records: their sub-areas'
 * packages bring this period's.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../../fs/scratch';
import type { MethodOutput, ParsedInput } from '../../../../shared/api/contract';
import { ApiError } from '../../../../shared/api/errors';
import { CHANGE_PENDING, LEAVE_CODES } from '../../../../shared/census/change';
import { codesOf } from '../../../../shared/census/codes';
import { openExistingStore, snapshotDatabase, type Store } from '../../db';
import { setupCensus } from '../census';
import { createContext, isoNow, PREVIOUS_CENSUS_KEY, type ServiceContext } from '../context';
import { countingRule } from '../counting';
import { headlineOf } from './headline';
import type { AreaFigureKey } from '../../../../shared/reports/indicators';

export function setupFromPrevious(ctx: ServiceContext, input: ParsedInput<'census.setupFrom'>): MethodOutput<'census.setupFrom'> {
  if (ctx.store.settings.get()) throw new ApiError('conflict', '本数据库已建立统计调查，不能再沿用上期名单；请新建一个数据库文件');
  const dir = scratchDir('previous');
  let prev: Store | null = null;
  try {
    const copy = join(dir, 'previous.sqlite');
    try {
      snapshotDatabase(input.previousPath, copy);
      prev = openExistingStore(copy);
    } catch (e) {
      throw lastFileError(e, input.previousPath);
    }
    return carry(ctx, prev, copy, input);
  } finally {
    prev?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The open-file errors, said of last census's file: the clerk's own census is not the one to restore */
function lastFileError(e: unknown, path: string): unknown {
  if (!(e instanceof ApiError)) return e;
  const reason = (e.details as { reason?: string } | undefined)?.reason;
  if (e.code === 'not_found') return new ApiError('not_found', `找不到上期数据库文件：${path}。请检查路径，或 U 盘是否已插好。`, e.details);
  if (reason === 'corrupt')
    return new ApiError('invalid_file', `上期数据库文件已损坏，无法读取：${path}。请换用它的备份，或请保存它的人重新拷贝一份完好的。`, e.details);
  return e;
}

function carry(ctx: ServiceContext, prev: Store, copy: string, input: ParsedInput<'census.setupFrom'>): MethodOutput<'census.setupFrom'> {
  const last = prev.settings.get();
  if (!last) throw new ApiError('bad_input', `上期数据库尚未建立统计调查，无法沿用：${input.previousPath}`);
  if (input.refDate <= last.refDate)
    throw new ApiError('bad_input', `本期统计时点 ${input.refDate} 应晚于上期的 ${last.refDate}`);
  const prevCtx = createContext({ store: prev, divisions: ctx.divisions, events: ctx.events, now: ctx.now, app: ctx.app });
  const headline = headlineOf(prevCtx);
  const excluded = countingRule(prevCtx).excludedPersonIds;
  const now = isoNow(ctx);
  // Records move by SQL from the copy, attached (outside the transaction, as SQLite requires): 100k
  // persons read into JavaScript and written back took ~5 s (bench/README.md, session 33).
  const attached = last.level === 'county' ? ctx.store.periods.attachPrevious(copy) : null;
  try {
    return ctx.store.tx(() => {
      const settings = setupCensus(ctx, {
        areaCode: last.areaCode, level: last.level, refDate: input.refDate,
        officeName: input.officeName ?? last.officeName, operator: input.operator ?? last.operator, planningStart: last.planningStart,
      });
      const operator = settings.operator;
      const own = prev.keys.own();
      if (own) ctx.store.keys.saveOwn(own);
      for (const { replacedAt, ...k } of prev.keys.list()) if (replacedAt === null) ctx.store.keys.trust(k);
      const population = prev.population.all();
      ctx.store.population.setMany([...population].map(([code, n]) => ({ code, population: n })), operator, now);
      const deadlines = prev.targets.deadlines();
      for (const [code, targets] of prev.targets.all()) ctx.store.targets.set(code, targets, operator, now, deadlines.get(code) ?? {});
      ctx.store.figures.setMany(
        [...prev.figures.all()].flatMap(([code, f]) => Object.entries(f).map(([figure, value]) => ({ code, figure: figure as AreaFigureKey, value }))),
        operator, now,
      );
      for (const p of prev.periods.list()) ctx.store.periods.upsert(p);
      const areaCode = ctx.divisions.resolve(last.areaCode) ?? last.areaCode;
      ctx.store.periods.upsert({
        refDate: last.refDate, areaCode, areaName: last.areaName, persons: headline.persons, holders: headline.holders,
        population: population.get(areaCode) ?? null, source: input.previousPath,
      });

      let units = 0;
      let persons = 0;
      if (attached) {
        units = attached.carry('unit', { skipIds: [] }, operator, now);
        // Each person 待确认, last level kept as 上期 (a code the list does not know as 0), 培训学时 a new period's.
        persons = attached.carry('person', {
          skipIds: [...excluded],
          skipWhen: { key: 'change', codes: LEAVE_CODES },
          set: { change: CHANGE_PENDING, trainingHours: null },
          copy: { key: 'prevQualLevel', from: 'qualLevel', codes: codesOf('qualLevel'), otherwise: '0' },
        }, operator, now);
      }
      ctx.store.meta.set(PREVIOUS_CENSUS_KEY, {
        path: input.previousPath, refDate: last.refDate, persons: headline.persons, holders: headline.holders,
        carriedPersons: persons, carriedUnits: units, at: now,
      });
      return { ...settings, carriedPersons: persons, carriedUnits: units, previousRefDate: last.refDate };
    });
  } finally {
    attached?.detach();
  }
}
