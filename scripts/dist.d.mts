/** Types for dist.mjs's exports (the script itself runs as `npm run dist`). */
export const PLATFORM_TARGETS: Record<'win32' | 'linux', string[]>;
