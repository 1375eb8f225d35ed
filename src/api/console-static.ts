import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { HttpProblem } from './problem';

/** Where `npm run build` (vite) writes the console: `<package root>/dist/console`. */
export function defaultConsoleDir(): string {
  if (process.env.ZHENGZHI_CONSOLE_DIR) return path.resolve(process.env.ZHENGZHI_CONSOLE_DIR);
  // Compiled code lives in dist/src/api, sources in src/api: walk up to the folder holding package.json.
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'console');
}

/**
 * Serves the browser console built by vite. Every console URL lives under `/console/` (the API owns every
 * other path, so the SPA fallback can never shadow an API route); `/` redirects there. Hashed assets are
 * cached for a year, index.html never (a new build is picked up on the next navigation).
 */
export function consoleRouter(consoleDir: string): Router {
  const router = Router();
  const indexFile = path.join(consoleDir, 'index.html');
  const built = existsSync(indexFile);
  router.get('/', (_req: Request, res: Response) => {
    res.redirect(302, '/console/');
  });
  if (!built) {
    router.get(['/console', '/console/{*rest}'], (_req: Request, res: Response) => {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send(`The console is not built (${indexFile} is missing): run npm run build.\n`);
    });
    return router;
  }
  const index = readFileSync(indexFile);
  router.use(
    '/console/assets',
    express.static(path.join(consoleDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
    }),
  );
  router.use('/console/assets', (req: Request, _res: Response, next: NextFunction) => {
    next(new HttpProblem('notFound', `no console asset ${req.path}`));
  });
  router.use('/console', express.static(consoleDir, { index: false, maxAge: '1h' }));
  router.get(['/console', '/console/{*rest}'], (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('text/html; charset=utf-8').send(index);
  });
  return router;
}
