import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// `npm run dev` serves the console with hot reload and forwards API calls to a platform
// started separately (npm start, or serve --http-port); GONGCHE_API sets its address.
export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Element Plus alone is about 1 MB before compression; the pages load their libraries lazily.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': process.env.GONGCHE_API ?? 'http://127.0.0.1:8080' },
  },
});
