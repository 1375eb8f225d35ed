import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Chromium from the system (Debian `chromium`, with fonts-noto-cjk); override with ZHENGZHI_CHROMIUM. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.ZHENGZHI_CHROMIUM || '/usr/bin/chromium';
}

/** The packages a fresh machine needs for PDF bulletins (npm does not install a browser). */
export const PDF_PACKAGES = 'apt-get install chromium fonts-noto-cjk';

/**
 * PDF needs a system Chromium that is not there: the HTTP layer answers 503 problem+json with this message
 * (naming the package to install), the CLI prints it and exits 1.
 */
export class PdfRendererMissingError extends Error {
  constructor(readonly executablePath: string) {
    super(
      `PDF bulletins need Chromium, which is not installed at ${executablePath}: run \`${PDF_PACKAGES}\` (or set ZHENGZHI_CHROMIUM to its path); HTML and JSON bulletins work without it`,
    );
    this.name = 'PdfRendererMissingError';
  }
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-gpu',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Pages printed at once on the shared browser; more requests wait their turn. */
const CONCURRENT_PAGES = 2;
/** The shared browser is closed after this long without work (and at shutdown). */
const IDLE_CLOSE_MS = 5_000;

let shared: { path: string; browser: Promise<Browser> } | null = null;
let busy = 0;
const waiting: Array<() => void> = [];
let idleTimer: NodeJS.Timeout | null = null;

function browserFor(executablePath: string): Promise<Browser> {
  if (shared && shared.path === executablePath) return shared.browser;
  const previous = shared;
  // playwright-core is loaded on the first PDF, not at start-up (it is the heaviest module to load).
  const browser = import('playwright-core').then(({ chromium }) =>
    chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS }),
  );
  shared = { path: executablePath, browser };
  void previous?.browser.then((b) => b.close()).catch(() => undefined);
  // A browser that crashed or failed to start is forgotten: the next request launches a fresh one.
  browser.then(
    (b) => b.on('disconnected', () => shared?.browser === browser && (shared = null)),
    () => shared?.browser === browser && (shared = null),
  );
  return browser;
}

/** Closes the shared browser (server shutdown, the end of a CLI command or a test). */
export async function closePdfBrowser(): Promise<void> {
  const current = shared;
  shared = null;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  await current?.browser.then((b) => b.close()).catch(() => undefined);
}

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  if (busy >= CONCURRENT_PAGES) await new Promise<void>((resolve) => waiting.push(resolve));
  busy++;
  try {
    return await work();
  } finally {
    busy--;
    const next = waiting.shift();
    if (next) next();
    else if (busy === 0) {
      idleTimer = setTimeout(() => void closePdfBrowser(), IDLE_CLOSE_MS);
      idleTimer.unref();
    }
  }
}

/**
 * Prints a self-contained HTML page to an A4 PDF through headless Chromium (`page.pdf()`) on one shared
 * browser (launching one per request costs ~0.5 s and ~100 MB), at most two pages at a time. The page loads
 * nothing from the network (inline CSS and SVG) and is closed whatever happens. No Chromium at the path:
 * `PdfRendererMissingError`, naming the package to install.
 */
export async function renderPdf(html: string, executablePath = chromiumPath()): Promise<Buffer> {
  if (!existsSync(executablePath)) throw new PdfRendererMissingError(executablePath);
  return inTurn(async () => {
    const page = await (await browserFor(executablePath)).newPage();
    try {
      await page.route('**/*', (route) =>
        route.request().url().startsWith('data:') ? route.continue() : route.abort(),
      );
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({
        format: 'A4',
        printBackground: true,
        margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' },
      });
    } finally {
      await page.close().catch(() => undefined);
    }
  });
}
