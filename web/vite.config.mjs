// The browser console (issue 9). Built by `npm run build` into dist/console, served by `zhengzhi serve`
// under /console/. JSX/TSX goes through Vite 8's built-in oxc transform (automatic runtime): the
// @vitejs/plugin-react package does not install beside jest's babel (ERESOLVE), and only adds fast refresh.
import { URL, fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: true,
    rolldownOptions: {
      // antd and xyflow mark their modules "use client" (a React Server Components hint): harmless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: Object.fromEntries(
      [
        '/auth',
        '/items',
        '/campaigns',
        '/escalations',
        '/rule-sets',
        '/audit',
        '/units',
        '/users',
        '/worklist',
        '/machines',
        '/live',
        '/sandbox',
      ].map((prefix) => [prefix, 'http://127.0.0.1:3000']),
    ),
  },
});
