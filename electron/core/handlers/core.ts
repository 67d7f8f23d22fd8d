/** The core contract methods mapped onto the services: one line each, no logic of its own. */
import type { MethodName } from '../../../shared/api/contract';
import type { feedbackMethods } from '../../../shared/api/methods/feedback';
import type { gridMethods } from '../../../shared/api/methods/grid';
import type { ioMethods } from '../../../shared/api/methods/io';
import type { localMethods } from '../../../shared/api/methods/local';
import type { packageMethods } from '../../../shared/api/methods/packages';
import type { periodMethods } from '../../../shared/api/methods/periods';
import type { reportMethods } from '../../../shared/api/methods/reports';
import type { workspaceMethods } from '../../../shared/api/methods/workspace';
import type { RecordData } from '../../../shared/census/schema';
import type { Handlers } from '../dispatch';
import { censusSummary, getCensus, setOperator, setPlanningPeriod, setupCensus } from '../services/census';
import type { ServiceContext } from '../services/context';
import { mutator } from './mutator';
import { loadDemo } from '../services/demo';
import { townshipsOf } from '../services/io/places';
import { ensureOfficeKey, ownFingerprint } from '../services/packages/keys';
import { explainIssue, listIssues } from '../services/issues';
import { createRecord, getRecord, recordIssues, removeRecords, updateRecord } from '../services/records';

/** The methods no capability module of the contract claims */
export type CoreMethod = Exclude<
  MethodName,
  | keyof typeof gridMethods | keyof typeof ioMethods | keyof typeof packageMethods | keyof typeof reportMethods | keyof typeof workspaceMethods
  | keyof typeof feedbackMethods | keyof typeof periodMethods | keyof typeof localMethods
>;

export function coreHandlers(ctx: ServiceContext): Pick<Handlers, CoreMethod> {
  const recordHandlers = <T extends 'person' | 'unit'>(table: T) => {
    const repo = table === 'person' ? ctx.store.persons : ctx.store.units;
    return {
      list: (q: { offset: number; limit: number; search?: string | undefined }) => repo.list(q),
      get: (q: { id: string }) => getRecord(ctx, table, q.id),
      create: (q: { data: Partial<RecordData> }) => createRecord(ctx, table, q.data),
      update: (q: { id: string; patch: Partial<RecordData> }) => updateRecord(ctx, table, q.id, q.patch),
      remove: (q: { ids: string[] }) => removeRecords(ctx, table, q.ids),
      validate: (q: { id?: string | undefined; data: RecordData }) => ({ issues: recordIssues(ctx, table, q.id, q.data) }),
    };
  };
  const persons = recordHandlers('person');
  const units = recordHandlers('unit');
  return {
    'app.info': () => ({ version: ctx.app.version, dbPath: ctx.app.dbPath, hasCensus: getCensus(ctx) != null, fingerprint: ownFingerprint(ctx) }),
    'divisions.search': (q) => ctx.divisions.search(q.query, { levels: q.levels, within: q.within, limit: q.limit }),
    'divisions.children': (q) => ctx.divisions.children(q.code),
    'divisions.townships': () => townshipsOf(ctx).list,
    'census.get': () => getCensus(ctx),
    // The office key pair is made with the census, so its fingerprint can be read out by phone before any export.
    'census.setup': mutator(ctx, (q) => {
      const settings = setupCensus(ctx, q);
      ensureOfficeKey(ctx);
      return settings;
    }),
    'census.setOperator': mutator(ctx, (q) => setOperator(ctx, q.operator)),
    'census.setPlanningPeriod': mutator(ctx, (q) => setPlanningPeriod(ctx, q.planningStart)),
    'census.summary': () => censusSummary(ctx),
    'census.demo': mutator(ctx, (q) => loadDemo(ctx, q)),
    'persons.list': persons.list,
    'persons.get': persons.get,
    'persons.create': mutator(ctx, persons.create),
    'persons.update': mutator(ctx, persons.update),
    'persons.remove': mutator(ctx, persons.remove),
    'persons.validate': persons.validate,
    'units.list': units.list,
    'units.get': units.get,
    'units.create': mutator(ctx, units.create),
    'units.update': mutator(ctx, units.update),
    'units.remove': mutator(ctx, units.remove),
    'units.validate': units.validate,
    'units.options': (q) => ctx.store.units.options(q.search ?? '', q.limit),
    'issues.list': (q) => listIssues(ctx, q),
    'issues.explain': mutator(ctx, (q) => explainIssue(ctx, q), { keepsCaches: true }),
    'history.list': (q) => ctx.store.audit.list(q.table, q.recordId),
  };
}
