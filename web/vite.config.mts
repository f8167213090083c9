/**
 * The web app's build (`npm run build:web` writes web/dist, which the Edge
 * uploads when it exists) and its component tests (`npm run test:web`,
 * Vitest in jsdom).
 */
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  test: { environment: "jsdom", include: ["src/**/*.test.{ts,tsx}"] },
});
