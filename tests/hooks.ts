/**
 * Root hooks, loaded before any spec (see .mocharc.yml): quiet the handlers'
 * structured logs and EMF metrics, and release the shared database at the end.
 */
import "../scripts/local/quiet";

export const mochaHooks = {
  async afterAll() {
    const { releaseTestDatabase } = await import("./handlers/support");
    await releaseTestDatabase();
  },
};
