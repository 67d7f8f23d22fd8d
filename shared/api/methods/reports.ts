/** Summary tables, population figures, targets, dashboard. */
export const reportMethods = {} as const;
