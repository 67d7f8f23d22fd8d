/**
 * What typing into a picker chooses when Enter or Tab arrives before the picker is on screen (a slow
 * computer): the intake and the picker decide through the same function, over the real code lists.
 */
import { describe, expect, it, vi } from 'vitest';
import type { FieldValue } from '../../shared/census/schema';
import { pickedByTyping } from '../../renderer/src/grid/pick';
import { codeIndex, OptionIndex } from '../../renderer/src/grid/search';

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

describe('OptionIndex pinyin', () => {
  const names = ['东城区阳光社会工作服务中心', '幸福家园社工站', '建北街道和谐社区居民委员会', 'ABC 科技有限公司'];
  const units = () => new OptionIndex(names.map((n, i) => ({ value: `u${i}`, label: n, hint: `9111000010000${i}` })));

  it('finds options by pinyin without a warm-up: the first Latin query computes what it needs', () => {
    const idx = units();
    expect(idx.pinyinReady).toBe(false);
    expect(idx.search('xfjy').map((o) => o.label)).toEqual(['幸福家园社工站']);
    expect(idx.search('dongcheng').map((o) => o.label)).toEqual(['东城区阳光社会工作服务中心']);
    expect(idx.pinyinReady).toBe(true);
    // A Chinese query or a code never needs pinyin
    const fresh = units();
    expect(fresh.search('和谐').map((o) => o.value)).toEqual(['u2']);
    expect(fresh.search('91110000100003').map((o) => o.value)).toEqual(['u3']);
    expect(fresh.pinyinReady).toBe(false);
  });

  it('warms in the background, slice by slice, and answers as the lazy index does', async () => {
    const many = Array.from({ length: 1_200 }, (_, i) => ({ value: `u${i}`, label: `${names[i % 3]}${i}` }));
    const warmed = new OptionIndex(many);
    warmed.warm();
    // Nothing is computed before the page is idle: the caller's work (the grid's first rows) goes first.
    expect(warmed.pinyinReady).toBe(false);
    await vi.waitFor(() => expect(warmed.pinyinReady).toBe(true));
    const lazy = new OptionIndex(many);
    for (const q of ['xfjy', 'jianbei', 'dcq', 'shegongzhan1']) expect(warmed.search(q)).toEqual(lazy.search(q));
    const found = warmed.search('xfjy', 1000).map((o) => o.label);
    expect(found).toHaveLength(400);
    expect(found.every((l) => l.startsWith('幸福家园社工站'))).toBe(true);
  });
});
