import type { reportMethods } from '../../../shared/api/methods/reports';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../services/context';
import { mutator } from './mutator';
import { importPopulation, reportInputs, setPopulation, setTargets } from '../services/reports/inputs';
import { exportReports, reportCell, reportTables } from '../services/reports/tables';
import { bytesOf } from '../services/uploads';

export function reportsHandlers(ctx: ServiceContext): Pick<Handlers, keyof typeof reportMethods> {
  return {
    'reports.tables': () => reportTables(ctx),
    'reports.cell': (q) => reportCell(ctx, q),
    'reports.export': async (q) => {
      const { fileName, data } = await exportReports(ctx, q);
      return { fileName, dataBase64: data.toString('base64') };
    },
    'reports.inputs': () => reportInputs(ctx),
    'reports.population.set': mutator(ctx, (q) => setPopulation(ctx, q.entries)),
    'reports.population.import': mutator(ctx, (q) => importPopulation(ctx, { name: q.name, data: bytesOf(ctx, q) })),
    'reports.targets.set': mutator(ctx, (q) => setTargets(ctx, q.code, q.targets, q.deadlines)),
  };
}
