/**
 * The grid's pickers: one searchable list for coded fields, yes/no, townships and units (Chinese
 * text, codes and pinyin initials all match), and a multi-select for service domains. Keyboard:
 * type to search, ↑/↓ to move, Enter or Tab to take the highlighted item, Space to tick (multi), Esc.
 */
import type { ICellEditorComp, ICellEditorParams } from 'ag-grid-community';
import { useEffect, useMemo, useRef, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { FieldValue } from '../../../shared/census/schema';
import type { GridContext } from './controller';
import type { GridRow } from './model';
import { pickedByTyping } from './pick';
import type { PickOption } from './search';

type Params = ICellEditorParams<GridRow, FieldValue, GridContext>;

interface Props extends Pick<Params, 'api' | 'colDef' | 'context' | 'eventKey' | 'node' | 'stopEditing'> {
  initialValue: FieldValue | null | undefined;
  onValueChange(value: FieldValue): void;
}

/**
 * The picker as AG Grid's own editor: the grid renders without React (no reconciliation on every cell
 * it touches), and only the popup's contents are a small React tree of their own.
 */
export class PickerEditorComp implements ICellEditorComp<GridRow, FieldValue, GridContext> {
  private readonly gui = document.createElement('div');
  private root: Root | null = null;
  private value: FieldValue = null;

  init(params: Params): void {
    this.value = params.value ?? null;
    const root = (this.root = createRoot(this.gui));
    // Rendered once the grid has attached the popup (as the React grid did): keys typed meanwhile wait in the intake.
    root.render(
        <PickerEditor
          api={params.api}
          colDef={params.colDef}
          context={params.context}
          eventKey={params.eventKey}
          node={params.node}
          stopEditing={params.stopEditing}
          initialValue={params.value}
          onValueChange={(v) => (this.value = v)}
        />,
    );
  }

  getGui(): HTMLElement {
    return this.gui;
  }

  getValue(): FieldValue {
    return this.value;
  }

  isPopup(): boolean {
    return true;
  }

  getPopupPosition(): 'under' {
    return 'under';
  }

  destroy(): void {
    this.root?.unmount();
    this.root = null;
  }
}

export function PickerEditor(props: Props) {
  const ctx = props.context;
  const key = props.colDef.colId ?? '';
  const f = ctx.field(key);
  const index = ctx.optionsFor(f);
  const multi = f.type === 'codes';
  const first = props.eventKey && props.eventKey.length === 1 ? props.eventKey : '';
  const [query, setQuery] = useState(first);
  const [active, setActive] = useState(0);
  const [picked, setPickedState] = useState<string[]>(() => (Array.isArray(props.initialValue) ? props.initialValue : []));
  // What is ticked now: a Space right after the intake's ticks were handed over must build on them, before React re-renders.
  const pickedNow = useRef(picked);
  const setPicked = (next: string[]) => {
    pickedNow.current = next;
    setPickedState(next);
  };
  const matches = useMemo(() => index.search(query, 200), [index, query]);
  const listRef = useRef<HTMLUListElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    // Keys and compositions typed while the popup was opening wait in the grid's intake.
    const cell = { rowIndex: props.node.rowIndex ?? -1, colId: key };
    const isCurrent = () => props.api.getEditingCells().some((c) => c.rowIndex === cell.rowIndex && c.column?.getColId() === key);
    return ctx.intake.handOff(input, cell, isCurrent, ({ text, selection, ticks }) => {
      const typed = first + text;
      if (typed !== first) {
        // Into the box now, not at React's next render: a Space typed before that render must tick
        // what the composition said (the Space handler reads the box), not the unfiltered list's first item.
        input.value = typed;
        input.setSelectionRange(first.length + selection[0], first.length + selection[1]);
        setQuery(typed);
      }
      // A multi-select ticks what each Space pressed while it opened found; a single choice takes the best
      // match at once, so Enter or Tab straight away commits it.
      const next = pickedByTyping(index, multi, pickedNow.current, multi ? '' : typed, ticks);
      if (next === undefined) return;
      if (multi && Array.isArray(next)) setPicked(next);
      props.onValueChange(next);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    listRef.current?.querySelector('[data-active="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active, matches]);

  const choose = (list: PickOption<FieldValue>[], n: number) => {
    setActive(n);
    const o = list[n];
    if (!multi && o) props.onValueChange(o.value);
  };

  const toggle = (o: PickOption<FieldValue> | undefined) => {
    if (!o || typeof o.value !== 'string') return;
    const v = o.value;
    const now = pickedNow.current;
    const next = now.includes(v) ? now.filter((x) => x !== v) : [...now, v];
    setPicked(next);
    props.onValueChange(next);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      e.stopPropagation();
      const n = Math.max(0, Math.min(matches.length - 1, active + (e.key === 'ArrowDown' ? 1 : -1)));
      choose(matches as PickOption<FieldValue>[], n);
    } else if (multi && e.key === ' ' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      e.stopPropagation();
      // From the box's text now, not the last render's list: a Space right after the text arrived
      // (handed over from the intake) must tick what it says.
      const list = e.currentTarget.value === query ? matches : index.search(e.currentTarget.value, 200);
      toggle(list[e.currentTarget.value === query ? active : 0] as PickOption<FieldValue> | undefined);
    }
  };

  return (
    <div className="hc-picker" data-testid="grid-picker" data-field={key}>
      <input
        ref={inputRef}
        className="hc-picker-search"
        data-testid="grid-picker-search"
        value={query}
        placeholder={multi ? '输入筛选，空格勾选，回车确定' : '输入文字、代码或拼音首字母'}
        onChange={(e) => {
          const q = e.target.value;
          setQuery(q);
          const list = index.search(q, 200) as PickOption<FieldValue>[];
          choose(list, 0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul ref={listRef} className="hc-picker-list" role="listbox" aria-multiselectable={multi}>
        {matches.length === 0 && <li className="hc-picker-empty">没有匹配的选项</li>}
        {matches.map((o, n) => {
          const checked = multi && typeof o.value === 'string' && picked.includes(o.value);
          return (
            <li
              key={String(o.value)}
              role="option"
              aria-selected={multi ? checked : n === active}
              data-active={n === active}
              data-testid="grid-picker-option"
              className={n === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                if (multi) {
                  setActive(n);
                  toggle(o as PickOption<FieldValue>);
                } else {
                  props.onValueChange(o.value as FieldValue);
                  // Let the value land before the grid reads it.
                  setTimeout(() => props.stopEditing(), 0);
                }
              }}
            >
              {multi && <input type="checkbox" readOnly tabIndex={-1} checked={checked} />}
              <span>{o.label}</span>
              {o.hint && <small>{o.hint}</small>}
            </li>
          );
        })}
      </ul>
      {multi && picked.length > 0 && (
        <div className="hc-picker-picked" data-testid="grid-picker-picked">
          已选：{picked.map((c) => ctx.codeText(f, c)).join('、')}
        </div>
      )}
    </div>
  );
}
