/**
 * Option search for the grid's pickers: Chinese text, codes, aliases and pinyin initials, so typing
 * `shgz` finds 社会工作 and `20` finds 大学本科. Pinyin is computed once per option and cached.
 */
import { pinyin } from 'pinyin-pro';
import { codeLists, type CodeListId } from '../../../shared/census/codes';

export interface PickOption<V = string> {
  value: V;
  label: string;
  /** Shown dimmed beside the label: a code or a credit code */
  hint?: string;
  /** Extra texts that match: aliases, credit code */
  also?: readonly string[];
}

interface Indexed<V> {
  option: PickOption<V>;
  texts: string[];
  /** Pinyin initials and full pinyin of the label and of each alias; null until first needed (see OptionIndex) */
  pinyins: { initials: string; full: string }[] | null;
}

const initialsCache = new Map<string, { initials: string; full: string }>();

export function pinyinOf(text: string): { initials: string; full: string } {
  let hit = initialsCache.get(text);
  if (!hit) {
    const han = text.replace(/[^\u4e00-\u9fff]/g, '');
    hit = han
      ? {
          initials: pinyin(han, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toLowerCase(),
          full: pinyin(han, { toneType: 'none', type: 'array' }).join('').toLowerCase(),
        }
      : { initials: '', full: '' };
    initialsCache.set(text, hit);
  }
  return hit;
}

/** Options per slice of the background pinyin pass: ~10 ms, so scrolling and typing stay smooth beside it */
const PINYIN_SLICE = 500;

/**
 * The pinyin of every option is computed when a Latin query first needs it, or before that in slices while
 * the page is idle (`warm`): over a national census's 103,323 unit names it is ~2.2 s of the page's one
 * thread, which every grid opening waited for before its first rows.
 */
export class OptionIndex<V = string> {
  private readonly items: Indexed<V>[];
  /** Items before this index have their pinyin */
  private pinyinDone = 0;
  private warming = false;
  constructor(options: readonly PickOption<V>[]) {
    this.items = options.map((option) => ({
      option,
      texts: [option.label, option.hint ?? '', ...(option.also ?? [])].map((t) => t.toLowerCase()),
      pinyins: null,
    }));
  }

  get size(): number {
    return this.items.length;
  }

  /** Whether every option's pinyin is known (a Latin query then costs no more than a Chinese one) */
  get pinyinReady(): boolean {
    return this.pinyinDone >= this.items.length;
  }

  private pinyinUpTo(end: number): void {
    for (; this.pinyinDone < end; this.pinyinDone++) {
      const it = this.items[this.pinyinDone]!;
      it.pinyins = [it.option.label, ...(it.option.also ?? [])].map(pinyinOf).filter((p) => p.initials !== '');
    }
  }

  /** Computes the pinyin in the background, a slice whenever the page is idle */
  warm(): void {
    if (this.warming || this.pinyinReady) return;
    this.warming = true;
    const idle: (fn: () => void) => void =
      typeof requestIdleCallback === 'function' ? (fn) => requestIdleCallback(fn, { timeout: 2000 }) : (fn) => setTimeout(fn, 0);
    const step = () => {
      this.pinyinUpTo(Math.min(this.items.length, this.pinyinDone + PINYIN_SLICE));
      if (this.pinyinReady) this.warming = false;
      else idle(step);
    };
    idle(step);
  }

  /** Options matching `query`, best first: exact, prefix, then contained; at most `limit` */
  search(query: string, limit = 200): PickOption<V>[] {
    const q = query.trim().toLowerCase().replace(/\s+/g, '');
    if (!q) return this.items.slice(0, limit).map((i) => i.option);
    const scored: { o: PickOption<V>; s: number; n: number }[] = [];
    const latin = /^[a-z]+$/.test(q);
    if (latin) this.pinyinUpTo(this.items.length);
    this.items.forEach((it, n) => {
      let s = 0;
      for (const t of it.texts) {
        if (!t) continue;
        if (t === q) s = Math.max(s, 100);
        else if (t.startsWith(q)) s = Math.max(s, 60);
        else if (t.includes(q)) s = Math.max(s, 40);
      }
      if (latin) {
        it.pinyins!.forEach((p, k) => {
          // The label's own pinyin ranks above an alias's.
          const bonus = k === 0 ? 2 : 0;
          if (p.initials === q) s = Math.max(s, 58 + bonus);
          else if (p.initials.startsWith(q)) s = Math.max(s, 53 + bonus);
          else if (p.initials.includes(q)) s = Math.max(s, 33 + bonus);
          if (p.full.startsWith(q)) s = Math.max(s, 50 + bonus);
        });
      }
      if (s > 0) scored.push({ o: it.option, s, n });
    });
    scored.sort((a, b) => b.s - a.s || a.n - b.n);
    return scored.slice(0, limit).map((x) => x.o);
  }
}

const codeIndexes = new Map<CodeListId, OptionIndex>();

/** The searchable options of a code list, built on first use */
export function codeIndex(id: CodeListId): OptionIndex {
  let idx = codeIndexes.get(id);
  if (!idx) {
    idx = new OptionIndex(codeLists[id].map((it) => ({ value: it.code, label: it.label, hint: it.code, also: it.aliases ?? [] })));
    codeIndexes.set(id, idx);
  }
  return idx;
}

/**
 * Whether a cell's text matches what was typed in 查找 or a column filter: contained (case-insensitive),
 * or — for Latin letters — contained in the pinyin initials or the full pinyin of its Chinese (`dxbk` →
 * 大学本科, `wang` → 王小明).
 */
export function textMatches(text: string, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  if (text.toLowerCase().includes(q)) return true;
  if (!/^[a-z]+$/.test(q) || !/[\u4e00-\u9fff]/.test(text)) return false;
  const p = pinyinOf(text);
  return p.initials.includes(q) || p.full.includes(q);
}
