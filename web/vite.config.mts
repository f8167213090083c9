/**
 * The web app's build (`npm run build:web` writes web/dist, which the Edge
 * uploads when it exists) and its component tests (`npm run test:web`,
 * Vitest in jsdom).
 */
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  // The lazy map chunk (MapLibre and the tile signer, about 330 KB gzipped) is over Vite's 500 KB warning on purpose;
  // the first visit's JavaScript is held to its own budget by the end-to-end suite.
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 1400 },
  // One jsdom per worker, not per file (half the run: jsdom's start is most of it). Each file leaves the
  // globals as it found them: Testing Library's cleanup, localStorage cleared, stubbed globals restored.
  test: { environment: "jsdom", include: ["src/**/*.test.{ts,tsx}"], isolate: false },
});
