/**
 * Deterministic synthetic census for `headcount demo`, benchmarks and tests.
 *
 * Same options → byte-identical output on every machine: one seeded sfc32 stream drives every
 * choice, and only exactly-rounded arithmetic is used (no Math.exp/log/pow, whose last bits may
 * differ between engines). The data is built to be clean under every validation rule, so a fresh
 * demo shows zero errors and zero warnings; distributions follow what county offices report
 * (mostly female, mostly 大专/本科, about 45% certificate holders, about 30% party members).
 */
export { generateDemo } from './generate';
export type { DemoCensus, DemoOptions, DemoRecord, DemoTownship } from './types';
