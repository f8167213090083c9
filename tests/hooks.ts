/**
 * Root hooks, loaded before any spec (see .mocharc.yml): quiet the handlers'
 * structured logs and EMF metrics, and release the shared database at the end.
 */
import { strict as assert } from "assert";
import "../scripts/local/quiet";

export const mochaHooks = {
  async afterAll() {
    const { releaseTestDatabase } = await import("./handlers/support");
    // An embedded database kept up for the worker's next file holds its own connections.
    if (!(await releaseTestDatabase())) return;
    // A connection a test left open (a handler's Redis client, a pool) keeps a single-process run
    // (`npm run bench:loop`, `mocha --no-parallel`) from ever exiting. Destroyed sockets close on the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    const open = process.getActiveResourcesInfo().filter((kind) => kind === "TCPSocketWrap" || kind === "TLSWrap");
    assert.deepEqual(open, [], "connections left open after the tests");
  },
};
