/**
 * The short names people say for autonomous areas: 楚雄彝族自治州 → 楚雄州, 恩施土家族苗族自治州 → 恩施州,
 * 广西壮族自治区 → 广西, 峨山彝族自治县 → 峨山县. The full name does not contain them as a substring,
 * so search needs them spelt out. Plain suffixes (云南省 → 云南) need nothing: a prefix search finds them.
 */
import { ethnicNames } from '../census/codes';

/** Group names with and without 族, longest first so 柯尔克孜 is tried before 孜 could ever be */
const GROUPS: readonly string[] = [...new Set(ethnicNames.flatMap((n) => [n, n.replace(/族$/, '')]))].sort((a, b) => b.length - a.length);
const AUTONOMOUS = /自治(州|县|旗|区)$/;

/** The short name of an autonomous area, or null when the name has none. */
export function shortNameOf(name: string): string | null {
  const m = AUTONOMOUS.exec(name);
  if (!m) return null;
  let stem = name.slice(0, m.index);
  // Strip group names from the end; a stem of one character (西藏 → 西, 内蒙古 → 内) is a place name, not a prefix.
  for (let changed = true; changed; ) {
    changed = false;
    for (const g of GROUPS) {
      if (stem.endsWith(g) && stem.length - g.length >= 2) {
        stem = stem.slice(0, -g.length);
        changed = true;
        break;
      }
    }
  }
  const suffix = m[1] === '区' ? '' : (m[1] as string);
  const short = stem + suffix;
  return short === name || stem === '' ? null : short;
}
