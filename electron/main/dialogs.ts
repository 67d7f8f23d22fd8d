/** Native file dialogs the core asks for through WorkspaceHost (the browser face types a path instead). */
import { dialog, type BrowserWindow } from 'electron';

const FILTERS = [
  { name: '统计调查数据库', extensions: ['sqlite'] },
  { name: '所有文件', extensions: ['*'] },
];

export async function pickCensusFile(parent: BrowserWindow | null, mode: 'open' | 'create'): Promise<string | null> {
  if (mode === 'create') {
    const r = parent
      ? await dialog.showSaveDialog(parent, { title: '新建统计调查数据库', defaultPath: 'census.sqlite', filters: FILTERS })
      : await dialog.showSaveDialog({ title: '新建统计调查数据库', defaultPath: 'census.sqlite', filters: FILTERS });
    return r.canceled || !r.filePath ? null : r.filePath;
  }
  const options = { title: '打开统计调查数据库', filters: FILTERS, properties: ['openFile' as const] };
  const r = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return r.canceled ? null : (r.filePaths[0] ?? null);
}
