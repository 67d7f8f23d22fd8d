import { describe, expect, it } from 'vitest';
import { checkCreditCode, checkIdNumber, creditCheckChar, idCheckChar, idInfo, isMobilePhone, isRealDate, looksLikeExcelNumber, PROVINCE_PREFIXES } from '../../shared/census/checks';

const GOOD_IDS = ['11010519491231002X', '440524188001010014'];

describe('GB 11643 ID numbers', () => {
  it('accepts the standard examples and derives sex and birth date', () => {
    expect(idInfo('11010519491231002X')).toEqual({ sex: '2', birthDate: '1949-12-31' });
    expect(idInfo('440524188001010014')).toEqual({ sex: '1', birthDate: '1880-01-01' });
  });

  it('answers exactly as the plain slicing implementation it replaced, for clean and messy input alike', () => {
    // The reference: the implementation before checkIdNumber read character codes and shared birth-date texts
    const reference = (raw: string) => {
      const id = raw.trim().toUpperCase();
      if (looksLikeExcelNumber(id)) return { ok: false, problem: 'excel_number' };
      if (id.length !== 18) return { ok: false, problem: 'length' };
      if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, problem: 'format' };
      if (!PROVINCE_PREFIXES.has(id.slice(0, 2))) return { ok: false, problem: 'province' };
      const y = Number(id.slice(6, 10));
      const m = Number(id.slice(10, 12));
      const d = Number(id.slice(12, 14));
      if (y < 1880 || !isRealDate(y, m, d)) return { ok: false, problem: 'birth_date' };
      if (idCheckChar(id.slice(0, 17)) !== id[17]) return { ok: false, problem: 'checksum' };
      return { ok: true, info: { sex: Number(id[16]) % 2 === 1 ? '1' : '2', birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}` } };
    };
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const prefixes = [...PROVINCE_PREFIXES, '00', '19', '99'];
    const inputs: string[] = ['', ' ', '5.32323196906185E+17', '532323196906185000', '11010519491231002x', ' 11010519491231002X ', '１１０１０５１９４９１２３１００２X', '11010519491231002X　', 'ab0105194912310021'];
    for (let i = 0; i < 20_000; i++) {
      const body = `${prefixes[rand(prefixes.length)]}${String(rand(10_000)).padStart(4, '0')}${1870 + rand(170)}${String(rand(14)).padStart(2, '0')}${String(rand(33)).padStart(2, '0')}${String(rand(1000)).padStart(3, '0')}`;
      let id = body + (rand(4) === 0 ? 'X' : idCheckChar(body));
      const mess = rand(10);
      if (mess === 1) id = id.toLowerCase();
      else if (mess === 2) id = ` ${id}\t`;
      else if (mess === 3) id = id.slice(0, 17);
      else if (mess === 4) id = id.slice(0, 9) + 'x' + id.slice(10);
      else if (mess === 5) id = id.replace(/\d$/, 'x');
      else if (mess === 6) id = rand(2) ? ` ${id.slice(0, 17)}` : `${id.slice(0, 17)}\u00a0`;
      else if (mess === 7) id = id.slice(0, 17) + String.fromCharCode(rand(2) ? 32 : 127);
      inputs.push(id);
    }
    let valid = 0;
    for (const raw of inputs) {
      const got = checkIdNumber(raw);
      expect(got, raw).toEqual(reference(raw));
      if (got.ok) valid++;
    }
    // The generated numbers reach every branch, valid ones included
    expect(valid).toBeGreaterThan(1000);
    expect([...new Set(inputs.map((raw) => { const r = checkIdNumber(raw); return r.ok ? "ok" : r.problem; }))].sort()).toEqual(["birth_date", "checksum", "excel_number", "format", "length", "ok", "province"]);
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
