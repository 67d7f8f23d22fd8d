import { describe, expect, it } from 'vitest';
import { checkCreditCode, checkIdNumber, creditCheckChar, idInfo, isMobilePhone, looksLikeExcelNumber } from '../../shared/census/checks';

const GOOD_IDS = ['11010519491231002X', '440524188001010014'];

describe('GB 11643 ID numbers', () => {
  it('accepts the standard examples and derives sex and birth date', () => {
    expect(idInfo('11010519491231002X')).toEqual({ sex: '2', birthDate: '1949-12-31' });
    expect(idInfo('440524188001010014')).toEqual({ sex: '1', birthDate: '1880-01-01' });
  });

  it('accepts a lower-case x check character', () => {
    expect(checkIdNumber('11010519491231002x').ok).toBe(true);
  });

  it('rejects every single-character corruption of the examples', () => {
    const alphabet = '0123456789X';
    let tried = 0;
    for (const id of GOOD_IDS) {
      for (let pos = 0; pos < 18; pos++) {
        for (const ch of alphabet) {
          if (ch === id[pos]) continue;
          const bad = id.slice(0, pos) + ch + id.slice(pos + 1);
          tried++;
          expect(checkIdNumber(bad).ok, `${bad} should fail`).toBe(false);
        }
      }
    }
    expect(tried).toBe(2 * 18 * 10);
  });

  it('names the problem', () => {
    expect(checkIdNumber('5.32323196906185E+17')).toEqual({ ok: false, problem: 'excel_number' });
    expect(checkIdNumber('532323196906185000')).toEqual({ ok: false, problem: 'excel_number' });
    expect(checkIdNumber('1101051949123100')).toEqual({ ok: false, problem: 'length' });
    expect(checkIdNumber('11010519491231002A')).toEqual({ ok: false, problem: 'format' });
    expect(checkIdNumber('99010519491231002X')).toEqual({ ok: false, problem: 'province' });
    expect(checkIdNumber('110105194902300021')).toEqual({ ok: false, problem: 'birth_date' });
    expect(looksLikeExcelNumber('11010519491231002X')).toBe(false);
  });
});

describe('GB 32100 credit codes', () => {
  it('computes the check character and accepts a valid code', () => {
    const body = '91350100M000100Y4';
    const check = creditCheckChar(body);
    expect(check).not.toBeNull();
    expect(checkCreditCode(body + check)).toEqual({ ok: true });
    // a published real code
    expect(checkCreditCode('91110000100006485K')).toEqual({ ok: true });
  });
  it('rejects wrong length, letters outside the alphabet and a wrong check character', () => {
    expect(checkCreditCode('9111000010000648')).toEqual({ ok: false, problem: 'length' });
    expect(checkCreditCode('91110000I00006485K')).toEqual({ ok: false, problem: 'format' });
    expect(checkCreditCode('91110000100006485A')).toEqual({ ok: false, problem: 'checksum' });
  });
});

describe('phones', () => {
  it('knows mobile numbers from landlines', () => {
    expect(isMobilePhone('13812345678')).toBe(true);
    expect(isMobilePhone('+86 138-1234-5678')).toBe(true);
    expect(isMobilePhone('0571-88888888')).toBe(false);
  });
});
