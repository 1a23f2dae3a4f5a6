// Builds the browser UI (web/) into web/dist, which src/http/web.ts serves. `vite web` runs a dev
// server that forwards /api to a running API server (API_URL, default http://127.0.0.1:3000).
import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'

const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:3000'

export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every supported browser has module preload; the polyfill would be dead weight.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/api': {
        target: apiUrl,
        // The API refuses state-changing requests from a foreign Origin (CSRF guard); the dev
        // server's origin is foreign to it, so present the request as same-origin.
        configure: (proxy) => {
          proxy.on('proxyReq', (request) => request.setHeader('origin', apiUrl))
        },
      },
    },
  },
})
