/**
 * A search box beside a form's list: Chinese (typed through an input method), codes and pinyin initials
 * find the option, as in the grid's pickers. A native <select> takes no composition, so without this box
 * a clerk could not type 蒙古 to choose 蒙古族.
 */
import { useMemo, useState } from 'react';
import { OptionIndex, type PickOption } from '../grid/search';

interface Props {
  options: readonly PickOption[];
  testId: string;
  label: string;
  /** The best match of what was typed (once the composition has ended); Enter picks it again */
  onPick(value: string): void;
}

export function OptionSearch({ options, testId, label, onPick }: Props) {
  const index = useMemo(() => new OptionIndex(options), [options]);
  const [q, setQ] = useState('');
  const [hit, setHit] = useState<string | null>(null);
  const pick = (text: string) => {
    const best = text.trim() ? index.search(text, 1)[0] : undefined;
    setHit(best ? best.label : text.trim() ? '' : null);
    if (best) onPick(best.value);
  };
  return (
    <span className="option-search">
      <input
        type="search"
        data-testid={testId}
        aria-label={`搜索${label}`}
        placeholder="输入文字、代码或拼音首字母"
        autoComplete="off"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          // Mid-composition the box holds pinyin: choose when the IME has committed the characters.
          if (!(e.nativeEvent as InputEvent).isComposing) pick(e.target.value);
        }}
        onCompositionEnd={(e) => pick(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
            e.preventDefault();
            pick(q);
          }
        }}
      />
      {hit === '' && <small className="hc-err-text">没有匹配</small>}
    </span>
  );
}
