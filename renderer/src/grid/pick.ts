/**
 * What typing into a picker chooses, before or without the picker on screen: a single choice takes the
 * best match of the text; a multi-select toggles the best match of the text at each Space. The picker
 * (when it takes over keys typed while it opened) and the intake (when Enter or Tab arrives before the
 * picker has opened at all) decide the same way.
 */
import type { FieldValue } from '../../../shared/census/schema';
import type { OptionIndex } from './search';

/** The value typing chose, or undefined when it chose nothing (the cell keeps its value) */
export function pickedByTyping(
  index: OptionIndex<FieldValue>,
  multi: boolean,
  current: FieldValue,
  text: string,
  ticks: readonly string[],
): FieldValue | undefined {
  if (!multi) {
    const best = text.trim() ? index.search(text, 1)[0] : undefined;
    return best ? best.value : undefined;
  }
  const start = Array.isArray(current) ? current : [];
  let next = start;
  for (const q of ticks) {
    const hit = index.search(q, 1)[0];
    if (hit && typeof hit.value === 'string') next = next.includes(hit.value) ? next.filter((x) => x !== hit.value) : [...next, hit.value];
  }
  return next === start ? undefined : next;
}
