/**
 * 上级核实意见 at the top of the issues list: import the feedback file the level above sent, open the
 * record asked about, write the answer. Answers travel up in the next return package.
 */
import { useCallback, useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../shared/api/contract';
import { call, errorMessage, upload } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import type { Route } from '../../lib/route';
import { FilePicker } from '../../components/FilePicker';

type Item = MethodOutput<'feedback.list'>['items'][number];

function AnswerBox({ item, onSaved }: { item: Item; onSaved: (i: Item) => void }) {
  const [text, setText] = useState(item.answer ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function save() {
    setBusy(true);
    setError(null);
    try {
      onSaved(await call('feedback.answer', { id: item.id, answer: text }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="fb-answer">
      <textarea rows={2} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} placeholder="答复或更正情况（随下次上报包报送上级）" data-testid="fb-answer" />
      <button type="button" disabled={busy || text.trim() === (item.answer ?? '')} onClick={() => void save()} data-testid="fb-answer-save">
        保存答复
      </button>
      {error && <span className="field-msg error">{error}</span>}
    </div>
  );
}

export function ReceivedFeedback({ navigate }: { navigate: (r: Route) => void }) {
  const [items, setItems] = useState<Item[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    call('feedback.list', {})
      .then((r) => setItems(r.items.filter((i) => i.direction === 'received')))
      .catch((e: unknown) => setError(errorMessage(e)));
  }, []);
  useEffect(load, [load]);

  async function importFile(file: File | undefined) {
    if (!file) return;
    setError(null);
    setNote(null);
    try {
      const r = await call('feedback.import', await upload(file));
      setNote(`已导入 ${r.fromAreaName}（${r.fromOffice}）的核实意见：新增 ${r.added} 条${r.already ? `，${r.already} 条此前已导入` : ''}。签名密钥指纹 ${r.fingerprint}${r.newKey ? '（首次收到，请与上级电话核对）' : ''}`);
      load();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  const open = items.filter((i) => i.status === 'open').length;
  return (
    <section className="fb-received" data-testid="fb-received">
      <div className="toolbar">
        <h2>上级核实意见（审核退回）</h2>
        <FilePicker label="导入核实意见文件（.hcfb）…" accept=".hcfb" onFiles={(files) => void importFile(files[0])} testId="fb-import" />
        {items.length > 0 && (
          <span data-testid="fb-open-count" className={open ? 'count-warning' : ''}>
            待答复 {open} / {items.length}
          </span>
        )}
      </div>
      <ErrorBanner message={error} onClose={() => setError(null)} />
      {note && <div className="banner banner-ok" data-testid="fb-import-done">{note}</div>}
      {items.length > 0 && (
        <table className="data-table">
          <thead>
            <tr>
              <th>记录</th>
              <th>核实意见</th>
              <th>提出</th>
              <th>答复</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.id} data-testid="fb-item" data-id={i.id} data-status={i.status}>
                <td>
                  {i.table && i.recordId ? (
                    <button type="button" className="link" onClick={() => navigate({ page: 'form', table: i.table!, id: i.recordId! })} data-testid="fb-record">
                      {i.recordLabel}
                    </button>
                  ) : (
                    i.recordLabel
                  )}
                </td>
                <td data-testid="fb-question">{i.question}</td>
                <td>
                  {i.fromAreaName} {i.askedBy}
                </td>
                <td>
                  <AnswerBox item={i} onSaved={(n) => setItems((xs) => xs.map((x) => (x.id === n.id ? n : x)))} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
