/**
 * The add/edit form for a person or a unit, built entirely from the field dictionary. Validation runs
 * live on the server's rules; saving is allowed with errors because the record is kept and flagged.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { fieldsOf, tableLabels, type FieldDef, type TableName } from '../../../shared/census/dictionary';
import type { Issue } from '../../../shared/census/issues';
import type { FieldValue, RecordData, Source } from '../../../shared/census/schema';
import { call, errorMessage } from '../api/client';
import { useTownships, useUnitOptions } from '../api/lookups';
import { recordMethods } from '../api/records';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { RecordFeedback } from './feedback/RecordFeedback';
import { FieldInput } from '../components/FieldInput';
import { PreviousValue, usePreviousRecord } from '../components/PreviousValue';
import { completeRecord, countIssues, fieldGroups, issuesByField, setField } from '../lib/form';
import { useDebounced } from '../lib/hooks';
import type { Route } from '../lib/route';

interface Props {
  table: TableName;
  id: string | null;
  areaCode: string;
  navigate: (route: Route, opts?: { replace?: boolean }) => void;
}

const NEW = '\u0000new';
const VALIDATE_DELAY_MS = 200;

function inputIdOf(table: TableName, key: string): string {
  return `f-${table}-${key}`;
}

function sourceText(s: Source): string {
  return `${s.file}${s.sheet ? ` 工作表“${s.sheet}”` : ''} 第 ${s.row} 行`;
}

export function RecordForm({ table, id, areaCode, navigate }: Props) {
  const fields = fieldsOf[table];
  const label = tableLabels[table];
  const methods = recordMethods[table];
  const needsTownships = fields.some((f) => f.type === 'township');
  const needsUnits = fields.some((f) => f.type === 'unitRef');
  const townships = useTownships(needsTownships ? areaCode : null);
  const units = useUnitOptions(needsUnits);

  const [recordId, setRecordId] = useState<string | null>(id);
  const [data, setData] = useState<RecordData>(() => completeRecord(table, null));
  const [source, setSource] = useState<Source | null>(null);
  const [loading, setLoading] = useState(id !== null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [derived, setDerived] = useState<ReadonlySet<string>>(new Set());
  const [showAll, setShowAll] = useState(id !== null);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [validateError, setValidateError] = useState<string | null>(null);
  const [confirmLeave, setConfirmLeave] = useState(false);
  /** Set when the record came in a sub-area's package: read-only here */
  const [receivedFrom, setReceivedFrom] = useState<string | null>(null);
  const previous = usePreviousRecord(table, recordId);

  /** Which record the form currently holds; a route change to the same record must not reload it. */
  const shownKey = useRef<string | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;
  const needsValidation = useRef(false);
  const validateSeq = useRef(0);

  useEffect(() => {
    const key = id ?? NEW;
    if (shownKey.current === key) return;
    shownKey.current = key;
    validateSeq.current++;
    needsValidation.current = false;
    setRecordId(id);
    setTouched(new Set());
    setDerived(new Set());
    setDirty(false);
    setStatus(null);
    setError(null);
    setValidateError(null);
    setReceivedFrom(null);
    if (id === null) {
      setData(completeRecord(table, null));
      setSource(null);
      setIssues([]);
      setShowAll(false);
      setLoading(false);
      return;
    }
    let live = true;
    let finished = false;
    setLoading(true);
    call(methods.get, { id })
      .then((r) => {
        if (!live) return;
        setData(completeRecord(table, r.row.data));
        setSource(r.row.source);
        if (r.row.areaCode !== areaCode)
          void call('divisions.search', { query: r.row.areaCode, limit: 1 }).then(
            (d) => live && setReceivedFrom(d[0]?.name ?? r.row.areaCode),
            () => live && setReceivedFrom(r.row.areaCode),
          );
        setIssues(r.issues);
        setShowAll(true);
      })
      .catch((e: unknown) => {
        if (live) setError(errorMessage(e));
      })
      .finally(() => {
        finished = true;
        if (live) setLoading(false);
      });
    return () => {
      live = false;
      // An abandoned load must not leave the form believing it shows this record.
      if (!finished && shownKey.current === key) shownKey.current = null;
    };
  }, [table, id, methods.get, areaCode]);

  const settled = useDebounced(data, VALIDATE_DELAY_MS);
  useEffect(() => {
    if (!needsValidation.current) return;
    needsValidation.current = false;
    const seq = ++validateSeq.current;
    call(methods.validate, recordId === null ? { data: settled } : { id: recordId, data: settled })
      .then((r) => {
        if (seq !== validateSeq.current) return;
        setIssues(r.issues);
        setValidateError(null);
      })
      .catch((e: unknown) => {
        if (seq === validateSeq.current) setValidateError(`实时校验失败：${errorMessage(e)}`);
      });
  }, [settled, recordId, methods.validate]);

  function change(key: string, value: FieldValue) {
    const r = setField(table, dataRef.current, key, value);
    dataRef.current = r.data;
    setData(r.data);
    needsValidation.current = true;
    setDirty(true);
    setStatus(null);
    setTouched((t) => (t.has(key) ? t : new Set([...t, key])));
    if (r.derived.length > 0) setDerived((d) => new Set([...d, ...r.derived]));
  }

  const save = useCallback(async () => {
    if (saving || loading) return;
    setSaving(true);
    setError(null);
    // Replies of validations started before the save describe older data.
    validateSeq.current++;
    needsValidation.current = false;
    const sent = dataRef.current;
    try {
      const r =
        recordId === null ? await call(methods.create, { data: sent }) : await call(methods.update, { id: recordId, patch: sent });
      if (dataRef.current === sent) {
        setData(completeRecord(table, r.row.data));
        setDirty(false);
      } else {
        needsValidation.current = true;
      }
      setIssues(r.issues);
      setSource(r.row.source);
      setShowAll(true);
      const c = countIssues(r.issues);
      setStatus(
        c.error + c.warning === 0
          ? '已保存，未发现问题。'
          : `已保存。有 ${c.error} 个错误、${c.warning} 个警告，记录已标记，请更正或填写核实说明。`,
      );
      if (recordId === null) {
        shownKey.current = r.row.id;
        setRecordId(r.row.id);
        navigate({ page: 'form', table, id: r.row.id }, { replace: true });
      }
    } catch (e) {
      setError(`保存失败：${errorMessage(e)}`);
    } finally {
      setSaving(false);
    }
  }, [saving, loading, recordId, methods.create, methods.update, table, navigate]);

  const back = useCallback(() => {
    if (dirty) setConfirmLeave(true);
    else navigate({ page: 'list', table });
  }, [dirty, navigate, table]);

  const keys = useRef({ save, back, confirmLeave });
  keys.current = { save, back, confirmLeave };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && (e.key === 's' || e.key === 'S')) {
        e.preventDefault();
        void keys.current.save();
      } else if (e.key === 'Escape' && !keys.current.confirmLeave) {
        e.preventDefault();
        keys.current.back();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const byField = issuesByField(issues);
  const counts = countIssues(issues);
  const visible = (key: string) => showAll || touched.has(key) || derived.has(key);

  function focusField(key: string) {
    const el = document.getElementById(inputIdOf(table, key));
    if (el instanceof HTMLElement) {
      const target = el.matches('input,select,textarea') ? el : el.querySelector<HTMLElement>('input,select');
      target?.focus();
    }
  }

  function renderField(f: FieldDef) {
    const inputId = inputIdOf(table, f.key);
    const own = visible(f.key) ? (byField.get(f.key) ?? []) : [];
    const severity = own.some((i) => i.severity === 'error') ? 'error' : own.length > 0 ? 'warning' : null;
    const hintId = `${inputId}-hint`;
    const msgId = `${inputId}-msg`;
    return (
      <div key={f.key} className={`field field-${f.type}${severity ? ` has-${severity}` : ''}`} data-testid={`form-field-${f.key}`}>
        <label htmlFor={f.type === 'codes' ? undefined : inputId} id={`${inputId}-label`}>
          {f.label}
          {f.required && <span className="required" aria-hidden="true">*</span>}
        </label>
        <FieldInput
          field={f}
          inputId={inputId}
          value={data[f.key] ?? null}
          onChange={(v) => change(f.key, v)}
          invalid={severity === 'error'}
          describedBy={`${hintId} ${msgId}`}
          townships={townships}
          units={units}
        />
        <div className="hint" id={hintId}>
          {derived.has(f.key) ? '已根据证件号码自动填写' : f.hint}
        </div>
        <PreviousValue field={f} previous={previous} current={data[f.key]} />
        <ul className="field-issues" id={msgId} data-testid={`field-issues-${f.key}`} aria-live="polite">
          {own.map((i) => (
            <li key={`${i.rule}|${i.message}`} className={`field-msg ${i.severity}`} data-severity={i.severity}>
              {i.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }

  const title = `${recordId === null ? '新增' : '修改'}${label}`;
  return (
    <div className="page form-page" data-testid={`form-${table}`}>
      <div className="page-head">
        <h1>{title}</h1>
        <div className="actions">
          <button type="button" onClick={back} data-testid="form-back" title="Esc">
            返回列表
          </button>
          <button type="button" className="primary" onClick={() => void save()} disabled={saving || loading || receivedFrom !== null} data-testid="form-save" title="Ctrl+S">
            {saving ? '正在保存…' : '保存（Ctrl+S）'}
          </button>
        </div>
      </div>
      <ErrorBanner message={error} onClose={() => setError(null)} />
      {receivedFrom !== null && recordId !== null && <RecordFeedback table={table} recordId={recordId} fromName={receivedFrom} />}
      {status && (
        <div className={`banner ${counts.error > 0 ? 'banner-warn' : 'banner-ok'}`} role="status" data-testid="form-status">
          {status}
        </div>
      )}
      {source && <div className="meta">来源：{sourceText(source)}</div>}
      <section className="summary" data-testid="form-summary" aria-live="polite">
        <span className="summary-title">校验结果：</span>
        {issues.length === 0 ? (
          <span className="ok">未发现问题</span>
        ) : (
          <>
            <span className="count-error" data-testid="form-error-count">
              {counts.error} 个错误
            </span>
            <span className="count-warning" data-testid="form-warning-count">
              {counts.warning} 个警告
            </span>
          </>
        )}
        {dirty && <span className="unsaved">（有未保存的修改）</span>}
        {validateError && <span className="field-msg error">{validateError}</span>}
        {issues.length > 0 && (
          <ul className="summary-list">
            {issues.map((i) => {
              const f = fields.find((x) => x.key === i.field);
              return (
                <li key={`${i.field}|${i.rule}|${i.message}`} className={i.severity}>
                  {f ? (
                    <button type="button" className="link" onClick={() => focusField(f.key)}>
                      {f.label}
                    </button>
                  ) : (
                    <span>整条记录</span>
                  )}
                  ：{i.message}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      {loading ? (
        <p className="loading">正在读取…</p>
      ) : (
        <form
          className="record-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
          noValidate
        >
          {fieldGroups(table).map((g) => (
            <fieldset key={g.group} className="group">
              <legend>{g.group}</legend>
              <div className="grid">{g.fields.map(renderField)}</div>
            </fieldset>
          ))}
        </form>
      )}
      {confirmLeave && (
        <ConfirmDialog
          title="放弃修改？"
          message="有尚未保存的修改。返回列表将放弃这些修改。"
          confirmLabel="放弃修改并返回"
          danger
          onCancel={() => setConfirmLeave(false)}
          onConfirm={() => {
            setConfirmLeave(false);
            navigate({ page: 'list', table });
          }}
        />
      )}
    </div>
  );
}
