/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { frozenPrototypeSafe } from './vite-plugins/frozen-prototype';

// The Tauri shell serves ui/dist through its custom protocol with a strict CSP
// (script-src 'self', no eval, no inline scripts): relative asset URLs, no CDN, no remote fonts.
export default defineConfig({
  base: './',
  plugins: [frozenPrototypeSafe(), svelte()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2021',
    // The start screen loads only the entry chunk; each other screen is its own chunk, loaded
    // when first shown, and ECharts (~505 kB, the largest) only with the dashboard's charts.
    chunkSizeWarningLimit: 600,
    modulePreload: { polyfill: false },
  },
  test: {
    include: ['src/**/*.test.ts', 'vite-plugins/**/*.test.ts'],
    environment: 'node',
  },
});
