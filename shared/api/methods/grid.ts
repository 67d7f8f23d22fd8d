/** Spreadsheet entry: paging, bulk edits, undo, layout (issue: spreadsheet entry). */
export const gridMethods = {} as const;
