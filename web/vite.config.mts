/**
 * The web app's build: `npm run build:web` writes web/dist, which the Edge
 * uploads when it exists. MapLibre is split into its own chunk, loaded only
 * when a map style is configured.
 */
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
});
