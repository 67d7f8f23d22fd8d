/** The return-package format: layout, limits, manifest and table schemas (pure, shared by core and UI). */
export * from './csv';
export * from './layout';
export * from './manifest';
export * from './tables';
export * from './feedback';
export * from './legacy';
