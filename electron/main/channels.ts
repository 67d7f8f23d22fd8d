/** IPC channel names shared by main and preload; the preload exposes nothing else. */
export const INVOKE_CHANNEL = 'headcount:invoke';
export const EVENT_CHANNEL = 'headcount:event';
