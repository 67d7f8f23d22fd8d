/**
 * The CSV dialect of return packages (RFC 4180): UTF-8 without BOM, comma, CRLF line ends, a header
 * row, and a field quoted with `"` (doubled inside) exactly when it holds `"`, `,`, CR or LF.
 */
export const CSV_DIALECT = { delimiter: ',', lineTerminator: '\r\n', quoteChar: '"', doubleQuote: true, header: true } as const;

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One line, CRLF included */
export function csvLine(values: readonly string[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += csvField(values[i]!);
  }
  return out + '\r\n';
}
