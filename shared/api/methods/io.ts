/** Excel and CSV: templates, import with preview, error reports, microdata export. */
export const ioMethods = {} as const;
