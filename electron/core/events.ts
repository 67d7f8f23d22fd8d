/** Typed events the core pushes to whichever face is attached (IPC or the bridge's SSE stream). */
import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '../../shared/api/contract';

export interface EventBus {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  on<E extends EventName>(name: E, cb: (payload: EventPayload<E>) => void): () => void;
}

export function createEventBus(): EventBus {
  const ee = new EventEmitter();
  ee.setMaxListeners(100);
  return {
    emit: (name, payload) => void ee.emit(name, payload),
    on: (name, cb) => {
      ee.on(name, cb);
      return () => void ee.off(name, cb);
    },
  };
}
