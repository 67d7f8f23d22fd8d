/** Display helpers of the packages pages. */

/** ISO time → local "YYYY-MM-DD HH:mm" */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** "河北省 / 石家庄市 / 长安区" → "长安区" */
export function lastName(path: string): string {
  return path.split(' / ').pop() ?? path;
}
