/** On a record received from a sub-area: why it cannot be edited here, and a question to send back instead. */
import { useState } from 'react';
import type { TableName } from '../../../../shared/census/dictionary';
import { call, errorMessage } from '../../api/client';

export function RecordFeedback({ table, recordId, fromName }: { table: TableName; recordId: string; fromName: string }) {
  const [question, setQuestion] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function add() {
    setError(null);
    try {
      await call('feedback.add', { table, recordId, question });
      setDone(`已记下核实意见，请在“上报与汇总 › 审核退回”中导出给${fromName}`);
      setQuestion('');
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  return (
    <div className="banner banner-warn fb-record" data-testid="form-readonly">
      <div>
        这条记录由<b>{fromName}</b>报送，在本级只读：本级的修改会被{fromName}下次上报覆盖。如有疑问，请退回{fromName}核实更正。
        <div className="io-row">
          <input type="text" maxLength={2000} value={question} onChange={(e) => setQuestion(e.target.value)} placeholder="核实意见" data-testid="fb-record-question" />
          <button type="button" disabled={!question.trim()} onClick={() => void add()} data-testid="fb-record-add">
            提出核实意见
          </button>
        </div>
        {done && <div data-testid="fb-record-done">{done}</div>}
        {error && <div className="field-msg error">{error}</div>}
      </div>
    </div>
  );
}
