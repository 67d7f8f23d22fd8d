/** Times as people read them. */

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A stored ISO time (UTC) as the machine's own clock shows it: "2026-12-01 14:03:05", or without the
 * seconds. Slicing the ISO text instead would show Beijing time 8 hours early.
 */
export function localDateTime(iso: string, seconds = true): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const day = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return seconds ? `${day}:${pad2(d.getSeconds())}` : day;
}
