/** The spreadsheet grid's contract methods mapped onto services/grid: one line each. */
import type { gridMethods } from '../../../shared/api/methods/grid';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../services/context';
import { mutator } from './mutator';
import { applyChanges, restoreValue } from '../services/grid/apply';
import { getLayout, gridAreas, gridIssues, gridRefs, gridRows, setLayout } from '../services/grid/read';

export function gridHandlers(ctx: ServiceContext): Pick<Handlers, keyof typeof gridMethods> {
  return {
    'grid.rows': (q) => gridRows(ctx, q),
    'grid.issues': (q) => gridIssues(ctx, q),
    'grid.areas': (q) => gridAreas(ctx, q.table),
    'grid.refs': (q) => gridRefs(ctx, q),
    'grid.apply': mutator(ctx, (q) => applyChanges(ctx, q)),
    'grid.restore': mutator(ctx, (q) => restoreValue(ctx, q)),
    'grid.layout.get': (q) => getLayout(ctx, q.table),
    'grid.layout.set': mutator(ctx, (q) => setLayout(ctx, q.table, q.layout), { keepsCaches: true }),
  };
}
