/** The browser face's access token: read once from the address, then kept only in sessionStorage. */

export const TOKEN_STORAGE_KEY = 'headcount.token';

/** Splits `?token=…` off a query string, keeping every other parameter. */
export function extractToken(search: string): { token: string | null; rest: string } {
  const params = new URLSearchParams(search);
  const token = params.get('token');
  params.delete('token');
  const rest = params.toString();
  return { token: token && token.trim() !== '' ? token.trim() : null, rest: rest ? `?${rest}` : '' };
}

interface TokenEnv {
  location: Pick<Location, 'search' | 'pathname' | 'hash'>;
  history: Pick<History, 'replaceState'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * A token in the address wins over a stored one (the server may have restarted with a new token);
 * it is then removed from the address bar so it does not end up in screenshots or bookmarks.
 */
export function takeToken(env: TokenEnv): string | null {
  const { token, rest } = extractToken(env.location.search);
  if (token) {
    env.storage.setItem(TOKEN_STORAGE_KEY, token);
    env.history.replaceState(null, '', env.location.pathname + rest + env.location.hash);
    return token;
  }
  return env.storage.getItem(TOKEN_STORAGE_KEY);
}
