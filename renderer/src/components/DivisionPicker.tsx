/** A combobox for administrative divisions: type a name or code, pick with the arrow keys and Enter. */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { DivisionDto } from '../../../shared/api/contract';
import { toAreaCode } from '../../../shared/divisions/format';
import { call, errorMessage } from '../api/client';
import { useDebounced } from '../lib/hooks';

type DivisionLevel = DivisionDto['level'];

interface Props {
  id: string;
  levels: DivisionLevel[];
  value: DivisionDto | null;
  onChange: (d: DivisionDto | null) => void;
  invalid?: boolean;
}

export function DivisionPicker({ id, levels, value, onChange, invalid }: Props) {
  const listId = useId();
  const [text, setText] = useState(value ? value.name : '');
  const [options, setOptions] = useState<DivisionDto[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const query = useDebounced(text.trim(), 150);
  const levelKey = levels.join(',');
  // The text a pick wrote into the box: searching for it again would reopen the list.
  const pickedText = useRef<string | null>(value ? value.name : null);

  useEffect(() => {
    if (pickedText.current !== null && query === pickedText.current) return;
    if (query === '') {
      setOptions([]);
      return;
    }
    let live = true;
    call('divisions.search', { query, levels: levelKey.split(',') as DivisionLevel[], limit: 20 })
      .then((rows) => {
        if (!live) return;
        setOptions(rows);
        setActive(0);
        setOpen(true);
        setError(null);
      })
      .catch((e: unknown) => {
        if (live) setError(errorMessage(e));
      });
    return () => {
      live = false;
    };
  }, [query, levelKey]);

  function pick(d: DivisionDto) {
    onChange(d);
    pickedText.current = d.name;
    setText(d.name);
    setOpen(false);
    setOptions([]);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, options.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      const d = options[active];
      if (open && d) {
        e.preventDefault();
        pick(d);
      }
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      setOpen(false);
    }
  }

  const showList = open && options.length > 0;
  const noMatch = open && query !== '' && options.length === 0 && !value;
  return (
    <div className="combobox">
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={showList ? `${listId}-${active}` : undefined}
        aria-invalid={invalid || undefined}
        placeholder="输入名称或6位代码，如 东城、楚雄州 或 532300"
        value={text}
        data-testid="setup-area-input"
        onChange={(e) => {
          setText(e.target.value);
          pickedText.current = null;
          if (value) onChange(null);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onFocus={() => options.length > 0 && setOpen(true)}
      />
      {showList && (
        <ul className="combobox-list" role="listbox" id={listId} data-testid="setup-area-options">
          {options.map((d, i) => (
            <li
              key={d.code}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              data-testid="setup-area-option"
              data-code={toAreaCode(d.code)}
              onMouseDown={(e) => {
                // mousedown, not click: the input's blur would close the list first
                e.preventDefault();
                pick(d);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className="option-name">{d.name}</span>
              <span className="option-code">{toAreaCode(d.code)}</span>
              <span className="option-path">{d.path}</span>
            </li>
          ))}
        </ul>
      )}
      {noMatch && <div className="combobox-empty">没有找到匹配的行政区划</div>}
      {error && <div className="field-msg error">{error}</div>}
      {value && (
        <div className="combobox-chosen" data-testid="setup-area-selected">
          已选择：{value.path}（{toAreaCode(value.code)}）
        </div>
      )}
    </div>
  );
}
