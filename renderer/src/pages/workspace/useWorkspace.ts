/** The file screens' data: workspace status and the backups list, reloaded together after every change. */
import { useCallback, useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../shared/api/contract';
import type { BackupEntry, WorkspaceStatus } from '../../../../shared/api/methods/workspace';
import { call, errorMessage } from '../../api/client';

export type BackupList = MethodOutput<'backups.list'>;

export function useWorkspace() {
  const [status, setStatus] = useState<WorkspaceStatus | null>(null);
  const [list, setList] = useState<BackupList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    try {
      const [s, l] = await Promise.all([call('workspace.status', {}), call('backups.list', {})]);
      setStatus(s);
      setList(l);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  /** Restores `b`; resolves true when the census file is open again afterwards. */
  const restore = useCallback(
    async (b: BackupEntry): Promise<boolean> => {
      setBusy(true);
      setError(null);
      setNotice(null);
      try {
        const r = await call('backups.restore', { name: b.name });
        setNotice(`已恢复到备份 ${b.name}。${r.keptAs ? `恢复前的数据库已另存为 ${r.keptAs}（在备份文件夹中）。` : ''}`);
        await reload();
        return r.status.state === 'open';
      } catch (e) {
        setError(errorMessage(e));
        await reload();
        return false;
      } finally {
        setBusy(false);
      }
    },
    [reload],
  );

  const backupNow = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      const b = await call('backups.create', {});
      setNotice(`已备份：${b.name}`);
      await reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }, [reload]);

  return { status, list, error, setError, notice, setNotice, busy, reload, restore, backupNow, setStatus };
}
