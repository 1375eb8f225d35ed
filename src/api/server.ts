import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /** Stops accepting connections, lets in-flight requests finish (up to `graceMs`), then resolves. */
  close(graceMs?: number): Promise<void>;
}

/** Listens on `host:port` (port 0 = any free port) and resolves once the socket is bound. */
export function listen(app: Express, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const server = createServer(app);
  // Keep-alive sockets from benchmarks and browsers must not outlive a shutdown.
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      resolve({
        server,
        port: bound,
        url: `http://${shown}:${bound}`,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            // Long-lived responses (live streams) are ended first, or close() would wait for them.
            for (const hook of (app.locals.shutdownHooks ?? []) as Array<() => unknown>) void hook();
            const force = setTimeout(() => server.closeAllConnections(), graceMs);
            // Keep-alive sockets would hold close() open: close each as soon as its last response is sent.
            const sweep = setInterval(() => server.closeIdleConnections(), 50);
            force.unref();
            sweep.unref();
            server.close(() => {
              clearTimeout(force);
              clearInterval(sweep);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
