/** Excel and CSV methods mapped onto the io services. */
import type { ioMethods } from '../../../shared/api/methods/io';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../services/context';
import { mutator } from './mutator';
import { errorReportFileName, writeErrorReport } from '../services/io/error-report';
import { exportData, exportFileName } from '../services/io/export';
import { commitImport, discardImport, previewImport } from '../services/io/import';
import { forgetRememberedMappings } from '../services/io/remembered';
import { cancelTask, runTask } from '../services/io/tasks';
import { buildTemplate } from '../services/io/template';
import { listImports, undoImport } from '../services/io/history';
import { listValueMappings } from '../services/io/value-mappings';
import { putUpload } from '../services/uploads';
import { buildDownload, takeDownload } from '../services/downloads';

export function ioHandlers(ctx: ServiceContext): Pick<Handlers, keyof typeof ioMethods> {
  return {
    'files.upload': (q) => putUpload(ctx, q.name, q.data),
    'files.download': (q) => {
      const d = takeDownload(ctx, q.downloadId);
      return { name: d.name, data: new Uint8Array(d.data.buffer as ArrayBuffer, d.data.byteOffset, d.data.byteLength) };
    },
    'io.template': async (q) => {
      const t = await buildTemplate(ctx, q.township);
      return { fileName: t.fileName, dataBase64: t.data.toString('base64') };
    },
    'io.import.preview': (q) => previewImport(ctx, q),
    'io.import.commit': mutator(ctx, (q) => commitImport(ctx, q.importId, q.taskId)),
    'io.import.discard': (q) => discardImport(ctx, q.importId),
    'io.cancel': (q) => cancelTask(ctx, q.taskId),
    'io.mappings.reset': mutator(ctx, () => forgetRememberedMappings(ctx)),
    'io.errorReport': async (q) => {
      const { ref, result } = await buildDownload(ctx, errorReportFileName(q), (file) => runTask(ctx, q.taskId, (task) => writeErrorReport(ctx, q, file, task)));
      return { ...ref, rows: result.rows };
    },
    'io.imports.list': () => listImports(ctx),
    'io.imports.undo': (q) => undoImport(ctx, q.importId),
    'io.valueMappings.list': () => listValueMappings(ctx),
    // Kept on disk and fetched by id: a province's microdata is hundreds of megabytes (services/downloads.ts).
    'io.export': async (q) => {
      const { ref, result } = await buildDownload(ctx, exportFileName(ctx, q), (file) => runTask(ctx, q.taskId, (task) => exportData(ctx, q, file, task)));
      return { ...ref, rows: result.rows, clipped: result.clipped, ...(result.untyped ? { untyped: result.untyped } : {}) };
    },
  };
}
