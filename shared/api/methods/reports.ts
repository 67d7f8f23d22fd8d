/** Summary tables, population figures, targets, dashboard. */
import { z } from 'zod';
import { recordFilterSchema } from '../../reports/filter';
import { deadlinesSchema, reportSetSchema, targetsSchema } from '../../reports/schema';
import { isoDate, method } from '../common';
import { downloadSchema, uploadSchema } from './io';

const areaInputsSchema = z.object({
  areas: z.array(
    z.object({
      /** Canonical division code: the census area first, then its sub-areas */
      code: z.string(),
      name: z.string(),
      isArea: z.boolean(),
      population: z.number().int().nullable(),
      /** 老年人口 (60 and over) and 养老机构床位数: the denominators of the per-1,000 and per-100 ratios */
      elderly: z.number().int().nullable(),
      careBeds: z.number().int().nullable(),
      targets: targetsSchema,
      deadlines: deadlinesSchema,
    }),
  ),
  /** First year of the census's planning period (targets' progress counts from it) */
  planningStart: z.number().int(),
});

const figureValue = (label: string) => z.number().int(`${label}应为整数`).min(0, `${label}不能为负数`).max(2_000_000_000).nullable().optional();

export const reportMethods = {
  /** 表1–表5 of the census, computed from the records now in the database */
  'reports.tables': method(z.object({}), reportSetSchema),
  /** The persons behind one cell, as a filter for `persons.list` */
  'reports.cell': method(
    z.object({ table: z.string().max(10), row: z.string().max(60), column: z.string().max(60) }),
    z.object({ filter: recordFilterSchema, title: z.string(), description: z.string() }),
  ),
  /** The table set as an .xlsx workbook */
  'reports.export': method(
    z.object({
      head: z.string().trim().max(50).optional(),
      filledBy: z.string().trim().max(50).optional(),
      reportDate: isoDate.optional(),
    }),
    downloadSchema,
  ),
  /** Population and targets of the census area and its sub-areas */
  'reports.inputs': method(z.object({}), areaInputsSchema),
  'reports.population.set': method(
    z.object({
      entries: z
        .array(z.object({ code: z.string().max(12), population: figureValue('户籍人口'), elderly: figureValue('老年人口'), careBeds: figureValue('养老机构床位数') }))
        .max(10_000),
    }),
    areaInputsSchema,
  ),
  /**
   * A sheet (.xlsx or .csv): area name or code, then registered population; with a header row, columns
   * named 户籍人口 / 老年人口 / 养老机构床位数 in any order
   */
  'reports.population.import': method(uploadSchema, areaInputsSchema.extend({ updated: z.number().int() })),
  'reports.targets.set': method(
    z.object({ code: z.string().max(12).optional(), targets: targetsSchema, deadlines: deadlinesSchema.optional() }),
    areaInputsSchema,
  ),
} as const;
