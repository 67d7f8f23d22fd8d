/**
 * Formula injection (OWASP "CSV Injection"): a cell whose text starts with = + - @ (or a tab or
 * carriage return) is run as a formula by Excel, WPS and LibreOffice when the file is opened.
 * Every exported text gets a leading apostrophe in that case — the OWASP recommendation — and the
 * importers take it off again, so an exported file re-imports to the same values.
 */
const DANGEROUS = /^[=+\-@\t\r]/;

export function escapeFormula(text: string): string {
  return DANGEROUS.test(text) ? `'${text}` : text;
}

export function unescapeFormula<T>(value: T): T | string {
  return typeof value === 'string' && value.length > 1 && value[0] === "'" && DANGEROUS.test(value.slice(1)) ? value.slice(1) : value;
}
