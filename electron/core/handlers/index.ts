/** Every contract method's handler, assembled from one module per capability. */
import type { MethodName } from '../../../shared/api/contract';
import type { gridMethods } from '../../../shared/api/methods/grid';
import type { ioMethods } from '../../../shared/api/methods/io';
import type { packageMethods } from '../../../shared/api/methods/packages';
import type { reportMethods } from '../../../shared/api/methods/reports';
import type { workspaceMethods } from '../../../shared/api/methods/workspace';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../services/context';
import { coreHandlers, type AppInfo } from './core';
import { gridHandlers } from './grid';
import { ioHandlers } from './io';
import { packagesHandlers } from './packages';
import { reportsHandlers } from './reports';

export type CoreMethod = Exclude<
  MethodName,
  keyof typeof gridMethods | keyof typeof ioMethods | keyof typeof packageMethods | keyof typeof reportMethods | keyof typeof workspaceMethods
>;

/** Every method that works on an open census; the workspace methods come from ./workspace. */
export function createHandlers(ctx: ServiceContext, info: AppInfo): Omit<Handlers, keyof typeof workspaceMethods> {
  return {
    ...coreHandlers(ctx, info),
    ...gridHandlers(ctx),
    ...ioHandlers(ctx),
    ...packagesHandlers(ctx),
    ...reportsHandlers(ctx),
  };
}
