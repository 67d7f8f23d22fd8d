/** Spreadsheet import and export, the pure part: header mapping, row classification, values. */
export * from './headers';
export * from './rows';
export * from './normalize-row';
export * from './escape';
export * from './values';

/** Sheet names of the template, the error report and the microdata export */
export const SHEET_NAMES = { person: '人员', unit: '单位', instructions: '填表说明', codes: '代码表' } as const;
/** The last column of an error report */
export const PROBLEM_COLUMN = '问题说明';
