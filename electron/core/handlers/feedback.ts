import type { feedbackMethods } from '../../../shared/api/methods/feedback';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../services/context';
import { addFeedback, answerFeedback, exportFeedback, importFeedback, listFeedback, removeFeedback } from '../services/feedback';
import { bytesOf } from '../services/uploads';

export function feedbackHandlers(ctx: ServiceContext): Pick<Handlers, keyof typeof feedbackMethods> {
  return {
    'feedback.list': () => listFeedback(ctx),
    'feedback.add': (q) => addFeedback(ctx, q),
    'feedback.remove': (q) => removeFeedback(ctx, q.id),
    'feedback.export': (q) => {
      const r = exportFeedback(ctx, q.areaCode);
      return { fileName: r.fileName, dataBase64: r.data.toString('base64'), items: r.items };
    },
    'feedback.import': (q) => importFeedback(ctx, { name: q.name, data: bytesOf(ctx, q) }),
    'feedback.answer': (q) => answerFeedback(ctx, q),
  };
}
