/**
 * `/metrics` on a listener of its own (SEMAUTH_METRICS_PORT), so that the
 * scrape port can stay private while the API port is public. A plain
 * node:http server: it serves one read-only path and has no need for the
 * API's parsers, guards or cookies.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody, type ErrorCode } from '../errors.js';
import type { Metrics } from './registry.js';

export interface MetricsListener {
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  close(): Promise<void>;
}

export async function listenMetrics(metrics: Metrics, host: string, port: number): Promise<MetricsListener> {
  const server: Server = createServer((req, res) => {
    const headers = { 'cache-control': 'no-store', 'x-request-id': randomUUID() };
    const fail = (status: number, code: ErrorCode) => {
      res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(errorBody(code)));
    };
    const path = (req.url ?? '').split('?')[0]!.replace(/\/+$/, '');
    if (path !== '/metrics') return fail(404, 'ROUTE_NOT_FOUND');
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'METHOD_NOT_ALLOWED');
    metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { ...headers, 'content-type': contentType }).end(req.method === 'HEAD' ? undefined : body),
      () => fail(500, 'INTERNAL'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
