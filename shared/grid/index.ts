/** The spreadsheet grid, the pure part: clipboard TSV, ranges, range edits, undo steps, cell text. */
export * from './tsv';
export * from './range';
export * from './edits';
export * from './undo';
export * from './cells';
export * from './scope';
