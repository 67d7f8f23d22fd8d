/** Return-package methods mapped onto services/packages: one line each. */
import type { z } from 'zod';
import type { packageFileInput, packageMethods } from '../../../shared/api/methods/packages';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../services/context';
import { mutator } from './mutator';
import { bytesOf, releaseUploads } from '../services/uploads';
import {
  completenessBoard, decideDuplicate, exportCheck, exportForDownload, listDuplicates, mergePackages, officeKeys,
  packageHistory, previewPackages, trustSigner, verifyPackages, type PackageFile,
} from '../services/packages';

type Upload = z.infer<typeof packageFileInput>;

export function packagesHandlers(ctx: ServiceContext): Pick<Handlers, keyof typeof packageMethods> {
  const fileOf = (f: Upload): PackageFile => ({ name: f.name, data: bytesOf(ctx, f), passphrase: f.passphrase });
  const filesOf = (files: Upload[]): PackageFile[] => files.map(fileOf);
  return {
    'packages.keys': mutator(ctx, (q) => officeKeys(ctx, q)),
    'packages.exportCheck': () => exportCheck(ctx),
    // An export writes only its own entry in the exports register (and the office key the first time),
    // which no cache is built from: a county of 100k persons would otherwise validate itself again (2.4 s)
    // on the export panel's next look.
    'packages.export': mutator(ctx, (q) => exportForDownload(ctx, q), { keepsCaches: true }),
    'packages.verify': async (q) => ({ results: await verifyPackages(ctx.store.settings.get() ? ctx : null, filesOf(q.files)) }),
    'packages.preview': async (q) => ({ results: await previewPackages(ctx, filesOf(q.files), { trustKeys: q.trustKeys, taskId: q.taskId }) }),
    'packages.merge': mutator(ctx, async (q) => {
      const out = await mergePackages(ctx, filesOf(q.files), { trustKeys: q.trustKeys, trustNewKeys: q.trustNewKeys, countPending: q.countPending, taskId: q.taskId });
      // Only once it answered: a merge that failed keeps its files for the same click again
      releaseUploads(ctx, q.files);
      return out;
    }),
    'packages.trust': mutator(ctx, (q) => trustSigner(ctx, fileOf(q.file))),
    'packages.board': (input) => completenessBoard(ctx, input),
    'packages.history': () => packageHistory(ctx),
    'packages.duplicates': (q) => listDuplicates(ctx, q),
    'packages.decideDuplicate': mutator(ctx, (q) => decideDuplicate(ctx, q)),
  };
}
