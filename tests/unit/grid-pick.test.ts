/**
 * What typing into a picker chooses when Enter or Tab arrives before the picker is on screen (a slow
 * computer): the intake and the picker decide through the same function, over the real code lists.
 */
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../shared/census/schema';
import { pickedByTyping } from '../../renderer/src/grid/pick';
import { codeIndex, type OptionIndex } from '../../renderer/src/grid/search';

const political = codeIndex('political') as OptionIndex<FieldValue>;
const domain = codeIndex('domain') as OptionIndex<FieldValue>;

describe('pickedByTyping', () => {
  it('a single choice takes the best match of the text, by pinyin initials or code', () => {
    expect(pickedByTyping(political, false, null, 'qz', [])).toBe('13');
    expect(pickedByTyping(political, false, '01', '13', [])).toBe('13');
  });

  it('nothing typed (or only spaces) keeps the cell as it was', () => {
    expect(pickedByTyping(political, false, '01', '', [])).toBeUndefined();
    expect(pickedByTyping(political, false, '01', '  ', [])).toBeUndefined();
  });

  it('a multi-select toggles the best match of the text at each Space, from what is ticked already', () => {
    expect(pickedByTyping(domain, true, null, '', ['sqzl', 'shjz'])).toEqual(['01', '10']);
    expect(pickedByTyping(domain, true, ['10'], '', ['sqzl'])).toEqual(['10', '01']);
    // Ticking the same domain twice unticks it.
    expect(pickedByTyping(domain, true, ['01'], '', ['sqzl'])).toEqual([]);
    // Text without a Space ticks nothing: the cell keeps its value.
    expect(pickedByTyping(domain, true, ['01'], 'shjz', [])).toBeUndefined();
  });
});
