/**
 * What every service needs: the open store, the division index, the current census settings and a
 * clock. Services are plain functions over this context so the CLI, the bridge, Electron and tests
 * share them unchanged.
 */
import type { CensusSettings } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import type { ValidationContext } from '../../../shared/census/validate';
import type { Divisions } from '../../../shared/divisions';
import type { Store } from '../db';
import type { EventBus } from '../events';
import { createServiceState, type ServiceState } from './state';

export interface ServiceContext {
  store: Store;
  divisions: Divisions;
  events: EventBus;
  now(): Date;
  /** Who is running: services read the version here instead of importing app.ts (which imports them) */
  app: { version: string; dbPath: string };
  /** This core's caches and staging (see state.ts) */
  state: ServiceState;
}

/** The one way a context is built: with a fresh state object of its own */
export function createContext(parts: Omit<ServiceContext, 'state'>): ServiceContext {
  return { ...parts, state: createServiceState() };
}

export function requireSettings(ctx: ServiceContext): CensusSettings {
  const s = ctx.store.settings.get();
  if (!s) throw new ApiError('not_setup', '尚未建立统计调查，请先完成设置向导');
  return s;
}

/** Meta key of the last census this one was started from (services/periods/next.ts) */
export const PREVIOUS_CENSUS_KEY = 'census.previous';

/**
 * A county census started from the last one: every person needs a 变动情况. Upper levels receive
 * their sub-areas' persons and judge nothing of the kind themselves.
 */
export function isContinuing(ctx: ServiceContext, s: CensusSettings): boolean {
  return s.level === 'county' && ctx.store.meta.get(PREVIOUS_CENSUS_KEY) !== undefined;
}

export function validationContext(ctx: ServiceContext, s: CensusSettings): ValidationContext {
  const area = ctx.divisions.resolve(s.areaCode) ?? s.areaCode;
  return {
    refDate: s.refDate,
    continuing: isContinuing(ctx, s),
    townshipStatus: (code) => {
      if (ctx.divisions.levelOf(code) !== 'township') return 'unknown';
      return ctx.divisions.isWithin(code, area) ? 'inside' : 'outside';
    },
  };
}

export function isoNow(ctx: ServiceContext): string {
  return ctx.now().toISOString();
}

/** Marks a write made outside `ctx.store.tx` (writes inside one are counted by the store itself) */
export function touch(ctx: ServiceContext): void {
  ctx.store.markWrite();
}
