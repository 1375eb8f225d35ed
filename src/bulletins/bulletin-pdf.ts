import { chromium } from 'playwright-core';

/** Chromium from the system (Debian `chromium`, with fonts-noto-cjk); override with ZHENGZHI_CHROMIUM. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.ZHENGZHI_CHROMIUM || '/usr/bin/chromium';
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-gpu',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Prints a self-contained HTML page to an A4 PDF through headless Chromium (`page.pdf()`). The page loads
 * nothing from the network (inline CSS and SVG), and the browser is closed whatever happens.
 */
export async function renderPdf(html: string, executablePath = chromiumPath()): Promise<Buffer> {
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
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
    await browser.close();
  }
}
