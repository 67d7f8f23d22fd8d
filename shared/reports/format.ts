/**
 * How table values read on screen and in the CLI. Rates round half away from zero on the decimal
 * value (as Excel displays `0.0%`), so 0.4525 shows as 45.3% everywhere, not 45.2% from binary noise.
 */
import type { ValueFormat } from './definitions';
import { PROGRESS_LABELS } from './progress';

function roundHalfAway(x: number, decimals: number): number {
  const f = 10 ** decimals;
  // toPrecision(12) removes the binary tail (45.24999999999 → 45.25) before rounding.
  const scaled = Number((Math.abs(x) * f).toPrecision(12));
  return (Math.sign(x) * Math.round(scaled)) / f;
}

/** A count grouped by thousands as the screens, messages and Excel's #,##0 show it: 100,000 */
export function countText(n: number): string {
  return n.toLocaleString('zh-CN');
}

export function formatValue(v: number | null, format: ValueFormat): string {
  if (v === null || !Number.isFinite(v)) return '';
  switch (format) {
    case 'integer':
      return String(Math.round(v));
    case 'percent':
      return `${roundHalfAway(v * 100, 1).toFixed(1)}%`;
    case 'permille':
    case 'decimal':
      return roundHalfAway(v, 2).toFixed(2);
    case 'year':
      return String(Math.round(v));
    case 'progress':
      return PROGRESS_LABELS[v] ?? '';
  }
}

/** Excel number formats for the same three kinds */
export const excelFormat: Record<ValueFormat, string> = {
  integer: '#,##0;-#,##0;0',
  percent: '0.0%',
  permille: '0.00',
  decimal: '0.00',
  year: '0',
  // Written as text (the label), never as the code behind it
  progress: '@',
};
