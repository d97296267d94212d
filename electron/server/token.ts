/**
 * The access token of `nas-shrink serve` (as Jupyter does): random, printed once in the URL,
 * compared in constant time so its value cannot be guessed from response timings.
 */
import * as crypto from 'node:crypto';

export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

/** Constant-time equality (hashing first makes the lengths equal). */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 1024) return false;
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(given).digest();
  return crypto.timingSafeEqual(a, b);
}

export const TOKEN_COOKIE = 'nas_token';

/** The token a request carries: `?token=`, `Authorization: Bearer`, or the cookie set at first visit. */
export function tokenFromRequest(url: URL, headers: Record<string, string | string[] | undefined>): string | null {
  const query = url.searchParams.get('token');
  if (query) return query;
  const auth = headers['authorization'];
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  const cookie = headers['cookie'];
  if (typeof cookie === 'string') {
    for (const part of cookie.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === TOKEN_COOKIE) return decodeURIComponent(rest.join('='));
    }
  }
  return null;
}
