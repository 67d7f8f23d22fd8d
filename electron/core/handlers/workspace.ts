/** The workspace and backup methods mapped onto the workspace: one line each. */
import { ApiError } from '../../../shared/api/errors';
import type { workspaceMethods } from '../../../shared/api/methods/workspace';
import type { Handlers } from '../dispatch';
import type { Workspace } from '../workspace/workspace';

export type WorkspaceMethod = keyof typeof workspaceMethods;

export function workspaceHandlers(ws: Workspace): Pick<Handlers, WorkspaceMethod> {
  return {
    'workspace.status': () => ws.status(),
    'workspace.open': (q) => ws.open(q.path, { create: q.create }),
    'workspace.forceOpen': () => ws.forceOpen(),
    'workspace.pickFile': async (q) => ({ path: await ws.pickFile(q.mode) }),
    'backups.list': () => ws.listBackups(),
    'backups.create': () => ws.createBackup(),
    'backups.restore': (q) => ws.restore(q.name),
  };
}

/** For a core over one fixed file (the CLI): the file is chosen on the command line, not here. */
export function fixedFileWorkspaceHandlers(): Pick<Handlers, WorkspaceMethod> {
  const refuse = (): never => {
    throw new ApiError('unsupported', '此操作只能在程序界面中使用');
  };
  return {
    'workspace.status': refuse,
    'workspace.open': refuse,
    'workspace.forceOpen': refuse,
    'workspace.pickFile': refuse,
    'backups.list': refuse,
    'backups.create': refuse,
    'backups.restore': refuse,
  };
}
