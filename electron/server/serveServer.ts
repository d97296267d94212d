/**
 * `nas-shrink serve`: the renderer over HTTP and the contract over a WebSocket, for headless
 * GPU servers. Bound to 127.0.0.1 by default; every request (page, assets, API, WebSocket)
 * must carry the token printed in the URL, or gets 401.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { HostApi } from '../host/hostApi';
import { resolveStatic } from './staticFiles';
import { newToken, TOKEN_COOKIE, tokenFromRequest, tokenMatches } from './token';
import { bridgeSocket, MAX_CLIENT_MESSAGE_BYTES } from './wsBridge';

export interface ServeOptions {
  api: HostApi;
  /** The built renderer folder (dist/renderer). */
  staticDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
}

export interface RunningServer {
  url: string;
  token: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

export const WS_PATH = '/api/ws';

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The token travels in the first URL; never leak it to another site through Referer.
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function reply(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

const UNAUTHORIZED = 'Unauthorized: this server needs its access token. Open the URL that `nas-shrink serve` printed (it ends in ?token=...).\n';

export function startServeServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? newToken();
  const host = options.host ?? '127.0.0.1';

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!tokenMatches(token, tokenFromRequest(url, req.headers))) return reply(res, 401, UNAUTHORIZED);
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'Method not allowed.\n', { Allow: 'GET, HEAD' });
    if (url.pathname === '/api/health') return reply(res, 200, '{"ok":true}\n', { 'Content-Type': 'application/json' });
    const found = resolveStatic(options.staticDir, url.pathname);
    if (found.kind === 'forbidden') return reply(res, 403, 'Forbidden path.\n');
    if (found.kind === 'not-found') {
      if (url.pathname === '/' ) return reply(res, 500, 'The UI is not built: run `npm run build` in the NAS Shrink Studio folder.\n');
      return reply(res, 404, 'Not found.\n');
    }
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'Content-Type': found.contentType };
    // First visit with ?token=: keep it in a cookie so the page's own asset requests carry it.
    if (url.searchParams.has('token')) headers['Set-Cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(found.file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH || !tokenMatches(token, tokenFromRequest(url, req.headers))) {
      socket.write(`HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${UNAUTHORIZED}`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => bridgeSocket(ws, options.api));
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${shownHost}:${address.port}/?token=${token}`,
        token,
        host: address.address,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            for (const client of wss.clients) client.terminate();
            wss.close();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
