/**
 * The `serve` access token: read once from the page URL (`?token=XYZ`, as printed by
 * `nas-shrink serve`), kept in sessionStorage so reloading a hash route keeps working, and
 * removed from the visible URL so it does not end up in history, bookmarks or screenshots.
 */

export const TOKEN_STORAGE_KEY = 'nas-shrink.token';

type LocationLike = Pick<Location, 'search' | 'hash' | 'pathname'>;
type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;
type HistoryLike = Pick<History, 'replaceState' | 'state'>;

/** Returns the token from the URL (saving it) or from sessionStorage; null when there is none. */
export function resolveToken(location: LocationLike, storage: StorageLike | null, history?: HistoryLike): string | null {
  const fromUrl = tokenFromUrl(location);
  if (fromUrl !== null) {
    safely(() => storage?.setItem(TOKEN_STORAGE_KEY, fromUrl));
    if (history) stripToken(location, history);
    return fromUrl;
  }
  return safely(() => storage?.getItem(TOKEN_STORAGE_KEY) ?? null) ?? null;
}

/** The token in `?token=` before the hash, or in a query inside the hash (`#/?token=`). */
export function tokenFromUrl(location: Pick<Location, 'search' | 'hash'>): string | null {
  const direct = new URLSearchParams(location.search).get('token');
  if (direct) return direct;
  const hashQuery = location.hash.includes('?') ? location.hash.slice(location.hash.indexOf('?') + 1) : '';
  return new URLSearchParams(hashQuery).get('token') || null;
}

function stripToken(location: LocationLike, history: HistoryLike): void {
  const params = new URLSearchParams(location.search);
  params.delete('token');
  const search = params.toString();
  let hash = location.hash;
  if (hash.includes('?')) {
    const [route, query] = [hash.slice(0, hash.indexOf('?')), new URLSearchParams(hash.slice(hash.indexOf('?') + 1))];
    query.delete('token');
    hash = query.toString() ? `${route}?${query.toString()}` : route;
  }
  safely(() => history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}${hash}`));
}

/** Storage and history can throw (privacy modes, sandboxed frames); the token is then just not kept. */
function safely<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch {
    return undefined;
  }
}
