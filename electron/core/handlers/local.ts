/** The path-taking methods of the CLI (shared/api/methods/local.ts) mapped onto the services. */
import type { localMethods } from '../../../shared/api/methods/local';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../services/context';
import { mutator } from './mutator';
import { importFiles } from '../services/io/import';
import { errorReportToFile, exportToFile, templateToFile } from '../services/io/to-file';
import { exportPackage, mergePackageFiles } from '../services/packages';

export function localHandlers(ctx: ServiceContext): Pick<Handlers, keyof typeof localMethods> {
  return {
    'io.import.files': mutator(ctx, (q) => importFiles(ctx, q.paths, q.taskId)),
    'io.template.toFile': (q) => templateToFile(ctx, q),
    'io.errorReport.toFile': (q) => errorReportToFile(ctx, q),
    'io.export.toFile': (q) => exportToFile(ctx, q),
    // As packages.export: only the exports register and the office key are written
    'packages.export.toFile': mutator(ctx, (q) => exportPackage(ctx, q), { keepsCaches: true }),
    'packages.merge.files': mutator(ctx, (q) =>
      mergePackageFiles(ctx, q.paths, q.passphrase, { trustKeys: q.trustKeys, trustNewKeys: q.trustNewKeys, countPending: q.countPending, taskId: q.taskId })),
  };
}
