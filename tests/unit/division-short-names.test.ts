/** Short names of autonomous areas, as people say and type them, find the right division. */
import { describe, expect, it } from 'vitest';
import { loadDivisions } from '../../electron/core/divisions';
import { shortNameOf, toAreaCode } from '../../shared/divisions';

const d = loadDivisions();
const first = (q: string, level: 'province' | 'city' | 'county') => d.search(q, { levels: [level], limit: 5 })[0];

describe('short names of divisions', () => {
  it('derives the spoken short name of autonomous areas and leaves others alone', () => {
    expect(shortNameOf('楚雄彝族自治州')).toBe('楚雄州');
    expect(shortNameOf('恩施土家族苗族自治州')).toBe('恩施州');
    expect(shortNameOf('黔东南苗族侗族自治州')).toBe('黔东南州');
    expect(shortNameOf('克孜勒苏柯尔克孜自治州')).toBe('克孜勒苏州');
    expect(shortNameOf('广西壮族自治区')).toBe('广西');
    // A one-character stem is a place name, not a prefix: 西藏 is not 西 + 藏族.
    expect(shortNameOf('西藏自治区')).toBe('西藏');
    expect(shortNameOf('内蒙古自治区')).toBe('内蒙古');
    expect(shortNameOf('峨山彝族自治县')).toBe('峨山县');
    expect(shortNameOf('昆明市')).toBeNull();
  });

  it('finds 楚雄州, 云南, 内蒙古, 恩施州 and 湘西州 first, with their 6-digit area codes', () => {
    const hits = {
      楚雄州: first('楚雄州', 'city'), 恩施州: first('恩施州', 'city'), 湘西州: first('湘西州', 'city'),
      云南: first('云南', 'province'), 内蒙古: first('内蒙古', 'province'),
    };
    expect(Object.fromEntries(Object.entries(hits).map(([k, v]) => [k, v && toAreaCode(v.code)]))).toEqual({
      楚雄州: '532300', 恩施州: '422800', 湘西州: '433100', 云南: '530000', 内蒙古: '150000',
    });
    expect(hits.楚雄州!.name).toBe('楚雄彝族自治州');
  });

  it('uses a short name as the context word of a two-word search', () => {
    expect(first('楚雄州 双柏', 'county')?.code).toBe('532322');
    expect(first('恩施州 恩施', 'county')?.code).toBe('422801');
  });
});
