/** Under the setup wizard: a census file already exists elsewhere (a USB stick from another office machine). */
import { useEffect, useState } from 'react';
import type { WorkspaceStatus } from '../../../../shared/api/methods/workspace';
import { call } from '../../api/client';
import { OpenFile } from './OpenFile';
import './workspace.css';

export function OpenExisting({ onOpened }: { onOpened: () => void }) {
  const [status, setStatus] = useState<WorkspaceStatus | null>(null);
  useEffect(() => {
    call('workspace.status', {}).then(setStatus, () => setStatus(null));
  }, []);
  if (!status) return null;
  return (
    <details className="page open-existing" data-testid="open-existing">
      <summary>已有统计调查数据库文件（例如在U盘上）？打开它</summary>
      <OpenFile status={status} onOpened={onOpened} />
    </details>
  );
}
