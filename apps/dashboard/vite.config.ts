import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The dashboard, built into static files that the gateway serves at /dashboard
 * (`npm run build:dashboard`, part of `npm run build`): ECharts and the page's code in
 * hashed assets, nothing fetched from elsewhere at run time.
 */
export default defineConfig({
  root: here('.'),
  base: '/dashboard/',
  // The contracts are plain TypeScript: the page takes the statuses reports count from them.
  resolve: { alias: { '@tributary/contracts': here('../../libs/contracts/src/index.ts') } },
  publicDir: false,
  clearScreen: false,
  build: {
    outDir: here('../../dist/dashboard'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // ECharts' core with bars, grid, tooltip, legend and aria is ~540 kB (185 kB gzipped), half the whole library.
    chunkSizeWarningLimit: 600,
  },
});
