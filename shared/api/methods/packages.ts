/** Return packages: export, verify, merge, keys, completeness, duplicates. */
export const packageMethods = {} as const;
