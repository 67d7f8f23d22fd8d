/**
 * A census that lives on (issue 13): the next census started from the last one, last period's values
 * beside this period's, and the headline figures of earlier censuses (the dashboard's trend).
 */
import { z } from 'zod';
import { censusSettingsSchema, isoDate, method, tableSchema } from '../common';
import { previousValuesSchema } from '../../census/schema';
import { TARGETS } from '../../reports/indicators';

const targetKey = z.enum(TARGETS.map((t) => t.key) as [string, ...string[]]);

export const trendSchema = z.object({
  areaName: z.string(),
  /** Oldest first; the last one is this census (`current`) */
  periods: z.array(
    z.object({
      refDate: z.string(),
      current: z.boolean(),
      persons: z.number().int(),
      holders: z.number().int(),
      certRate: z.number().nullable(),
      /** Persons per 1,000 registered population (‰); null without a population figure */
      perMille: z.number().nullable(),
    }),
  ),
  /** The area's targets and the year each is due (null: no deadline entered) */
  targets: z.array(z.object({ key: targetKey, label: z.string(), format: z.enum(['integer', 'percent', 'permille', 'decimal']), value: z.number().nullable(), deadline: z.number().int().nullable() })),
});
export type Trend = z.infer<typeof trendSchema>;

export const periodMethods = {
  /**
   * Sets up this (empty) census as the next one after the census in `previousPath`: same area and
   * level, a later reference date, every unit and person carried forward (persons 待确认 until
   * confirmed). The previous file is only read.
   */
  'census.setupFrom': method(
    z.object({
      previousPath: z.string().trim().min(1, '请填写上期数据库文件的位置').max(1000),
      refDate: isoDate,
      officeName: z.string().trim().min(1).max(100).optional(),
      operator: z.string().trim().min(1).max(50).optional(),
    }),
    censusSettingsSchema.extend({ carriedPersons: z.number().int(), carriedUnits: z.number().int(), previousRefDate: z.string() }),
  ),
  /** Last census's values of carried records (absent: not carried) */
  'periods.previous': method(
    z.object({ table: tableSchema, ids: z.array(z.string()).max(10_000) }),
    previousValuesSchema,
  ),
  /** Per carried record, last period's value of each field that differs now (上期 → 本期 in the grid) */
  'periods.changes': method(
    z.object({ table: tableSchema }),
    previousValuesSchema,
  ),
  'periods.trend': method(z.object({}), trendSchema),
  /** The year a target of the census area is due (null clears it) */
  'periods.deadline.set': method(z.object({ key: targetKey, year: z.number().int().min(2000).max(2100).nullable() }), trendSchema),
} as const;
