/**
 * The sheet layout shared by the template and the error report (so a corrected error report
 * re-imports like a filled template): a title row, then the header row, then data; one column per
 * dictionary field, in dictionary order, headed by its label.
 */
import { enteredFieldsOf, type FieldDef, type TableName } from '../../../../shared/census/dictionary';

export const TITLE_ROW = 1;
export const HEADER_ROW = 2;
export const FIRST_DATA_ROW = 3;

export function templateColumns(table: TableName): readonly FieldDef[] {
  return enteredFieldsOf[table];
}

/** Column letter(s) of a 1-based column number */
export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export const COLORS = {
  header: 'FFDDEBF7',
  required: 'FFC00000',
  error: 'FFFFC7CE',
  warning: 'FFFFEB9C',
} as const;
