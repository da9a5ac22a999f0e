// @ts-check
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('./dist', import.meta.url));

/**
 * The Go binary embeds frontend/dist (//go:embed all:dist) and needs the directory and its
 * tracked .gitkeep to survive a build, so it is written back after the output is emptied.
 * @returns {import('vite').Plugin}
 */
function keepGitkeep() {
  return {
    name: 'serialpool:keep-gitkeep',
    apply: 'build',
    writeBundle() {
      writeFileSync(`${outDir}/.gitkeep`, '');
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  // Keep Vite's and Vitest's caches in the root node_modules, not under frontend/.
  cacheDir: fileURLToPath(new URL('../node_modules/.vite', import.meta.url)),
  publicDir: 'public',
  plugins: [keepGitkeep()],
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npm run dev` against a running serialpool server (GraphQL and the REST downloads/uploads).
    proxy: {
      '/graphql': process.env.SERIALPOOL_URL || 'http://localhost:8080',
      '/api': process.env.SERIALPOOL_URL || 'http://localhost:8080',
    },
  },
  test: {
    root,
    environment: 'happy-dom',
    include: ['src/**/*.test.{js,jsx}'],
    restoreMocks: true,
  },
});
