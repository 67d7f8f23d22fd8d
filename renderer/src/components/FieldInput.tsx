/** One input for one dictionary field, chosen by the field's type. */
import { useEffect, useState } from 'react';
import type { DivisionDto } from '../../../shared/api/contract';
import { codeLists } from '../../../shared/census/codes';
import type { FieldDef } from '../../../shared/census/dictionary';
import type { FieldValue } from '../../../shared/census/schema';
import type { UnitOption } from '../api/lookups';
import { booleanValue, integerValue, textValue } from '../lib/form';
import { OptionIndex, type PickOption } from '../grid/search';
import { OptionSearch } from './OptionSearch';

interface Props {
  field: FieldDef;
  inputId: string;
  value: FieldValue;
  onChange: (value: FieldValue) => void;
  onBlur?: () => void;
  invalid: boolean;
  describedBy: string;
  townships: readonly DivisionDto[];
  units: readonly UnitOption[];
}

export function FieldInput(props: Props) {
  const { field: f, inputId, value, onChange, onBlur, invalid, describedBy } = props;
  const common = {
    id: inputId,
    name: f.key,
    'data-testid': `field-${f.key}`,
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
    'aria-required': f.required || undefined,
    onBlur,
  };
  const str = typeof value === 'string' ? value : value === null ? '' : String(value);

  switch (f.type) {
    case 'code': {
      const items = f.codeList ? codeLists[f.codeList] : [];
      const known = items.some((c) => c.code === str);
      return (
        <span className="select-with-search">
          <select {...common} value={str} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}>
            <option value="">（请选择）</option>
            {/* An imported value outside the list stays visible so it can be seen and corrected. */}
            {str !== '' && !known && <option value={str}>{str}（不在代码表中）</option>}
            {items.map((c) => (
              <option key={c.code} value={c.code}>
                {c.label}
              </option>
            ))}
          </select>
          <OptionSearch options={codeOptions(f)} testId={`field-${f.key}-search`} label={f.label} onPick={onChange} />
        </span>
      );
    }
    case 'codes': {
      const items = f.codeList ? codeLists[f.codeList] : [];
      const chosen = Array.isArray(value) ? value : [];
      const toggle = (code: string, on: boolean) => {
        const set = new Set(on ? [...chosen, code] : chosen.filter((c) => c !== code));
        // Keep the code list's order so stored values do not depend on click order.
        const ordered = items.map((c) => c.code).filter((c) => set.has(c));
        const unknown = chosen.filter((c) => !items.some((i) => i.code === c));
        onChange([...ordered, ...unknown]);
      };
      return (
        <CodesInput f={f} inputId={inputId} chosen={chosen} toggle={toggle} invalid={invalid} describedBy={describedBy} onBlur={onBlur} />
      );
    }
    case 'boolean':
      return (
        <select
          {...common}
          value={value === true ? 'true' : value === false ? 'false' : ''}
          onChange={(e) => onChange(booleanValue(e.target.value))}
        >
          <option value="">（请选择）</option>
          <option value="true">是</option>
          <option value="false">否</option>
        </select>
      );
    case 'date':
      return <input {...common} type="date" value={str} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)} />;
    case 'year':
    case 'integer':
      return <IntegerInput {...props} common={common} />;
    case 'township': {
      if (props.townships.length === 0) {
        return (
          <input
            {...common}
            type="text"
            inputMode="numeric"
            maxLength={9}
            placeholder="9位乡镇（街道）代码"
            value={str}
            onChange={(e) => onChange(textValue(f, e.target.value))}
          />
        );
      }
      const known = props.townships.some((t) => t.code === str);
      return (
        <span className="select-with-search">
          <select {...common} value={str} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}>
            <option value="">（请选择）</option>
            {str !== '' && !known && <option value={str}>{str}（不在本地区）</option>}
            {props.townships.map((t) => (
              <option key={t.code} value={t.code}>
                {t.name}
              </option>
            ))}
          </select>
          <OptionSearch options={props.townships.map((t) => ({ value: t.code, label: t.name, hint: t.code }))} testId={`field-${f.key}-search`} label={f.label} onPick={onChange} />
        </span>
      );
    }
    case 'unitRef': {
      const known = props.units.some((u) => u.id === str);
      return (
        <span className="select-with-search">
          <select {...common} value={str} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}>
            <option value="">（请选择单位）</option>
            {str !== '' && !known && <option value={str}>（未找到的单位）</option>}
            {props.units.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
          <OptionSearch options={props.units.map((u) => ({ value: u.id, label: u.name }))} testId={`field-${f.key}-search`} label={f.label} onPick={onChange} />
        </span>
      );
    }
    default:
      return (
        <input
          {...common}
          type={f.type === 'phone' ? 'tel' : 'text'}
          maxLength={f.maxLength ?? (f.type === 'idNumber' || f.type === 'creditCode' ? 18 : undefined)}
          autoComplete="off"
          spellCheck={false}
          value={str}
          onChange={(e) => onChange(textValue(f, e.target.value))}
        />
      );
  }
}

/** A code list as search options (label, code, aliases) */
function codeOptions(f: FieldDef): PickOption[] {
  return (f.codeList ? codeLists[f.codeList] : []).map((c) => ({ value: c.code, label: c.label, hint: c.code, also: c.aliases ?? [] }));
}

/** Checkboxes with a filter box: type (pinyin initials or Chinese through an IME) to narrow, Enter ticks the first shown */
function CodesInput(p: {
  f: FieldDef;
  inputId: string;
  chosen: readonly string[];
  toggle(code: string, on: boolean): void;
  invalid: boolean;
  describedBy: string;
  onBlur: (() => void) | undefined;
}) {
  const [q, setQ] = useState('');
  const options = codeOptions(p.f);
  const shown = q.trim() ? new OptionIndex(options).search(q, 200).map((o) => o.value) : options.map((o) => o.value);
  return (
    <div className="codes-input">
      <input
        type="search"
        className="codes-filter"
        data-testid={`field-${p.f.key}-search`}
        aria-label={`筛选${p.f.label}`}
        placeholder="输入筛选，回车勾选第一项"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.nativeEvent.isComposing && shown[0]) {
            e.preventDefault();
            p.toggle(shown[0], !p.chosen.includes(shown[0]));
            setQ('');
          }
        }}
      />
      <div className="checkbox-group" role="group" id={p.inputId} data-testid={`field-${p.f.key}`} aria-invalid={p.invalid || undefined} aria-describedby={p.describedBy}>
        {options.map((c) => (
          <label key={c.value} className="checkbox" hidden={!shown.includes(c.value)}>
            <input type="checkbox" value={c.value} checked={p.chosen.includes(c.value)} onChange={(e) => p.toggle(c.value, e.target.checked)} onBlur={p.onBlur} />
            {c.label}
          </label>
        ))}
      </div>
    </div>
  );
}

type Common = {
  id: string;
  name: string;
  'data-testid': string;
  'aria-invalid': true | undefined;
  'aria-describedby': string;
  'aria-required': true | undefined;
  onBlur: (() => void) | undefined;
};

/** Keeps the typed text locally so a half-typed or wrong number is shown, not silently dropped. */
function IntegerInput({ field: f, value, onChange, common }: Props & { common: Common }) {
  const [text, setText] = useState(typeof value === 'number' ? String(value) : '');
  const [bad, setBad] = useState(false);
  useEffect(() => {
    // Follow outside changes (record loaded, saved) unless they just echo what was typed.
    setText((t) => {
      const typed = integerValue(t);
      if (typed === value || (typed === undefined && value === null)) return t;
      return typeof value === 'number' ? String(value) : '';
    });
  }, [value]);
  return (
    <>
      <input
        {...common}
        type="text"
        inputMode="numeric"
        maxLength={f.type === 'year' ? 4 : 9}
        placeholder={f.type === 'year' ? '如 2015' : undefined}
        value={text}
        aria-invalid={common['aria-invalid'] || bad || undefined}
        onChange={(e) => {
          setText(e.target.value);
          const n = integerValue(e.target.value);
          setBad(n === undefined);
          onChange(n === undefined ? null : n);
        }}
      />
      {bad && <span className="field-msg error">请填写整数</span>}
    </>
  );
}
