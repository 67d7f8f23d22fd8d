/**
 * The contract between the UI and the core: every method's input and output as zod schemas.
 * Electron IPC, the HTTP bridge and the tests all go through `dispatch`, which parses both sides.
 */
import { z } from 'zod';
import { issueSchema, severitySchema } from '../census/issues';
import { recordDataSchema, recordPatchSchema, recordRowSchema } from '../census/schema';
import { PLANNING_PERIODS } from '../census/planning';

import {
  auditEntrySchema, censusSettingsSchema, countsSchema, divisionSchema, isoDate, issueWithContext, levelSchema, listQuery,
  method, savedRecord, tableSchema,
} from './common';
import { areaScopeSchema, gridMethods } from './methods/grid';
import { ioMethods } from './methods/io';
import { feedbackMethods } from './methods/feedback';
import { packageMethods } from './methods/packages';
import { periodMethods } from './methods/periods';
import { isLocalMethodName, localMethods, type LocalMethodName } from './methods/local';
import { reportMethods } from './methods/reports';
import { workspaceMethods } from './methods/workspace';

export * from './common';

const recordMethods = <T extends 'person' | 'unit'>(table: T) => ({
  list: method(listQuery, z.object({ total: z.number().int(), rows: z.array(recordRowSchema(table)) })),
  get: method(z.object({ id: z.string() }), savedRecord(table)),
  create: method(z.object({ data: recordPatchSchema[table] }), savedRecord(table)),
  update: method(z.object({ id: z.string(), patch: recordPatchSchema[table] }), savedRecord(table)),
  remove: method(z.object({ ids: z.array(z.string()).min(1) }), z.object({ removed: z.number().int() })),
  /** Live validation of a form's content without saving it */
  validate: method(z.object({ id: z.string().optional(), data: recordDataSchema[table] }), z.object({ issues: z.array(issueSchema) })),
});

const person = recordMethods('person');
const unit = recordMethods('unit');

const planningStartSchema = z.number().int().refine((y) => PLANNING_PERIODS.some((p) => p.start === y), {
  message: `规划期只能选择 ${PLANNING_PERIODS.map((p) => p.label).join('或')}`,
});

export const contract = {
  'app.info': method(
    z.object({}),
    z.object({ version: z.string(), dbPath: z.string(), hasCensus: z.boolean(), fingerprint: z.string().nullable() }),
  ),
  'divisions.search': method(
    z.object({ query: z.string().max(50), levels: z.array(divisionSchema.shape.level).optional(), within: z.string().optional(), limit: z.number().int().min(1).max(200).default(20) }),
    z.array(divisionSchema),
  ),
  'divisions.children': method(z.object({ code: z.string() }), z.array(divisionSchema)),
  /** Every township inside the census area (a city's or province's too), so codes read as names everywhere */
  'divisions.townships': method(z.object({}), z.array(divisionSchema)),
  'census.get': method(z.object({}), censusSettingsSchema.nullable()),
  'census.setup': method(
    z.object({
      areaCode: z.string().regex(/^\d{6}$/, '行政区划代码应为6位数字'),
      level: levelSchema,
      refDate: isoDate,
      officeName: z.string().trim().min(1, '请填写填报单位').max(100),
      operator: z.string().trim().min(1, '请填写操作员').max(50),
      planningStart: planningStartSchema.optional(),
    }),
    censusSettingsSchema,
  ),
  /** The planning period cumulative training hours and target progress refer to */
  'census.setPlanningPeriod': method(z.object({ planningStart: planningStartSchema }), censusSettingsSchema),
  'census.setOperator': method(z.object({ operator: z.string().trim().min(1).max(50) }), censusSettingsSchema),
  'census.summary': method(
    z.object({}),
    z.object({ persons: z.number().int(), units: z.number().int(), issues: countsSchema, explained: z.number().int(), unexplainedWarnings: z.number().int(), pendingDuplicates: z.number().int().optional(), countedPersons: z.number().int().optional() }),
  ),
  /** Synthetic, fully valid records for the census's area (demonstrations, training, benchmarks) */
  'census.demo': method(
    z.object({ persons: z.number().int().min(0).max(1_000_000), units: z.number().int().min(1).max(100_000), seed: z.union([z.number().int(), z.string()]).default(1) }),
    z.object({ persons: z.number().int(), units: z.number().int() }),
  ),
  'persons.list': person.list,
  'persons.get': person.get,
  'persons.create': person.create,
  'persons.update': person.update,
  'persons.remove': person.remove,
  'persons.validate': person.validate,
  'units.list': unit.list,
  'units.get': unit.get,
  'units.create': unit.create,
  'units.update': unit.update,
  'units.remove': unit.remove,
  'units.validate': unit.validate,
  'units.options': method(
    z.object({ search: z.string().max(100).optional(), limit: z.number().int().min(1).max(1000).default(50) }),
    z.array(z.object({ id: z.string(), name: z.string(), creditCode: z.string().nullable() })),
  ),
  'issues.list': method(
    z.object({
      table: tableSchema.optional(),
      severity: severitySchema.optional(),
      rule: z.string().optional(),
      /** Only issues of this field (with `table`, one column) */
      field: z.string().optional(),
      recordId: z.string().optional(),
      /** Only issues of records with these area codes (an upper level's grid showing some areas) */
      areas: areaScopeSchema,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(10_000_000).default(200),
    }),
    z.object({
      total: z.number().int(), counts: countsSchema, byRule: z.record(z.string(), z.number().int()), issues: z.array(issueWithContext),
      /** Issues by table, field and rule (必填·城乡 425), most first, under the table/severity/record filters */
      byFieldRule: z.array(z.object({ table: tableSchema, field: z.string(), rule: z.string(), severity: severitySchema, count: z.number().int() })).optional(),
    }),
  ),
  'issues.explain': method(
    z.object({ table: tableSchema, recordId: z.string(), field: z.string(), rule: z.string(), text: z.string().trim().max(500) }),
    z.object({ ok: z.literal(true) }),
  ),
  'history.list': method(z.object({ table: tableSchema, recordId: z.string() }), z.array(auditEntrySchema)),
  // Each capability keeps its methods in its own file so they can grow independently.
  ...gridMethods,
  ...ioMethods,
  ...packageMethods,
  ...feedbackMethods,
  ...reportMethods,
  ...periodMethods,
  ...workspaceMethods,
  ...localMethods,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;

export const methodNames = Object.keys(contract) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

export { isLocalMethodName, type LocalMethodName };
/** The methods the window and the browser may call: all but the path-taking ones of ./methods/local */
export type FaceMethodName = Exclude<MethodName, LocalMethodName>;

export function isFaceMethodName(name: unknown): name is FaceMethodName {
  return isMethodName(name) && !isLocalMethodName(name);
}

/** Events the core pushes to the UI (progress of long operations). */
/**
 * What a long operation is doing, for code to act on (the label is for people and may change):
 * read the input, check it against the database, write, rebuild the indexes a bulk write dropped, done.
 */
export const progressPhaseSchema = z.enum(['read', 'check', 'write', 'index', 'done']);
export type ProgressPhase = z.infer<typeof progressPhaseSchema>;

export const eventSchemas = {
  progress: z.object({
    taskId: z.string(),
    label: z.string(),
    done: z.number(),
    total: z.number(),
    phase: progressPhaseSchema.optional(),
    /** false: one step whose share cannot be told (a single transaction); shown moving, with no percentage */
    measured: z.boolean().optional(),
  }),
} as const;
export type EventName = keyof typeof eventSchemas;
export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>;
export const eventNames = Object.keys(eventSchemas) as EventName[];
