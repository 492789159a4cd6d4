// The console (/console) and the developer portal (/portal) are two pages of one build: hashed assets under
// /console/assets, shared chunks (React, the query cache, the admin client) loaded once by either.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    // Swagger UI (the portal's API reference, ~400 KB gzipped) is one lazy chunk of its own, loaded on demand.
    chunkSizeWarningLimit: 1600,
    rollupOptions: {
      input: {
        console: new URL('index.html', import.meta.url).pathname,
        portal: new URL('portal.html', import.meta.url).pathname,
      },
    },
  },
});
