/**
 * 审核退回 at a city or province: questions about a sub-area's whole return, the questions asked so
 * far with their answers, and one signed feedback file per sub-area to hand over with the USB stick.
 */
import { useCallback, useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../shared/api/contract';
import { call, errorMessage } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { saveDownload } from '../../lib/files';

type Item = MethodOutput<'feedback.list'>['items'][number];
type Board = MethodOutput<'packages.board'>;

const statusText = { draft: '未发出', sent: '已退回，待答复', answered: '已答复', open: '待答复' } as const;

export function SentFeedback({ board, onChanged }: { board: Board | null; onChanged: () => void }) {
  const [items, setItems] = useState<Item[]>([]);
  const [area, setArea] = useState('');
  const [question, setQuestion] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    call('feedback.list', {})
      .then((r) => setItems(r.items.filter((i) => i.direction === 'sent')))
      .catch((e: unknown) => setError(errorMessage(e)));
  }, []);
  useEffect(load, [load]);

  const reported = (board?.rows ?? []).filter((r) => r.status !== 'missing');
  const nameOf = (code: string) => board?.rows.find((r) => r.areaCode === code)?.areaName.split(' / ').pop() ?? code;

  async function add() {
    setError(null);
    try {
      await call('feedback.add', { areaCode: area, question });
      setQuestion('');
      load();
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function exportFor(code: string) {
    setError(null);
    setNote(null);
    try {
      const f = await call('feedback.export', { areaCode: code });
      saveDownload(f);
      setNote(`已导出「${f.fileName}」（${f.items} 条），请交 ${nameOf(code)} 导入`);
      load();
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  const areas = [...new Set(items.map((i) => i.subAreaCode))];
  return (
    <section data-testid="fb-sent">
      <h2>审核退回</h2>
      <p className="hint">
        下级报送的记录在本级只读（下次报送会覆盖本级的修改）。有疑问的记录在记录页面“提出核实意见”，或在这里对整份上报提出；
        再按地区导出签名的核实意见文件交对方导入，对方的答复随其下次上报包带回。
      </p>
      <ErrorBanner message={error} onClose={() => setError(null)} />
      {note && <div className="banner banner-ok" data-testid="fb-export-done">{note}</div>}
      <div className="io-row">
        <select value={area} onChange={(e) => setArea(e.target.value)} data-testid="fb-area">
          <option value="">选择下级地区…</option>
          {reported.map((r) => (
            <option key={r.areaCode} value={r.areaCode}>
              {r.areaName.split(' / ').pop()}
            </option>
          ))}
        </select>
        <input type="text" maxLength={2000} value={question} onChange={(e) => setQuestion(e.target.value)} placeholder="对整份上报的核实意见" data-testid="fb-question-input" />
        <button type="button" disabled={!area || !question.trim()} onClick={() => void add()} data-testid="fb-add">
          退回核实
        </button>
      </div>
      {areas.map((code) => {
        const mine = items.filter((i) => i.subAreaCode === code);
        const unanswered = mine.filter((i) => i.status !== 'answered').length;
        return (
          <div key={code} className="fb-area" data-testid="fb-area-block" data-area={code}>
            <div className="toolbar">
              <h3>{nameOf(code)}</h3>
              <span>
                共 {mine.length} 条，待答复 {unanswered}
              </span>
              <button type="button" disabled={unanswered === 0} onClick={() => void exportFor(code)} data-testid={`fb-export-${code}`}>
                导出核实意见文件
              </button>
            </div>
            <table className="data-table">
              <tbody>
                {mine.map((i) => (
                  <tr key={i.id} data-testid="fb-sent-item" data-status={i.status}>
                    <td>{i.recordLabel}</td>
                    <td>{i.question}</td>
                    <td>{statusText[i.status]}</td>
                    <td data-testid="fb-sent-answer">{i.answer ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </section>
  );
}
