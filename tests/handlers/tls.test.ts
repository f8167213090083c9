/**
 * TLS to the database, verified for real: a PostgreSQL that speaks TLS on a
 * certificate from a test CA (a TLS front, answering PostgreSQL's SSLRequest as
 * RDS does, before the test database). The functions' pool connects when it
 * trusts that CA and the host name matches, and refuses otherwise, as it would
 * refuse an impostor in front of RDS.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as tls from "tls";
import { X509Certificate } from "crypto";
import { createDb } from "../../handlers/lib/db";
import { RDS_CA_REGIONS, rdsCertificates } from "../../handlers/lib/rds-ca";
import { setSecretReader } from "../../handlers/lib/secrets";
import { bundleFunction } from "../../handlers/bundle";
import { testDatabase } from "./support";

const SSL_REQUEST = 80877103;

/** A CA and a certificate it signed for `localhost`, made with openssl in a temporary folder. */
function testCertificates() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tms-tls-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=TMS test CA");
  run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
  fs.writeFileSync(path.join(dir, "san.ext"), "subjectAltName=DNS:localhost\n");
  run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext");
  const read = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
  return { ca: read("ca.pem"), key: read("server.key"), cert: read("server.pem") };
}

/** Accepts only TLS (like rds.force_ssl=1), then relays to the upstream PostgreSQL. */
async function tlsFront(upstream: { host: string; port: number }, credentials: { key: string; cert: string }) {
  const server = net.createServer((socket) => {
    socket.once("data", (first) => {
      if (first.length < 8 || first.readUInt32BE(4) !== SSL_REQUEST) return socket.destroy();
      socket.write("S");
      const secure = new tls.TLSSocket(socket, { isServer: true, ...credentials });
      const database = net.connect(upstream.port, upstream.host);
      secure.pipe(database).pipe(secure);
      const close = () => (secure.destroy(), database.destroy());
      secure.on("error", close);
      database.on("error", close);
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("handlers: TLS to the database is verified", function () {
  this.timeout(60_000);
  let front: Awaited<ReturnType<typeof tlsFront>>;
  let certificates: ReturnType<typeof testCertificates>;
  let database: string;

  before(async () => {
    certificates = testCertificates();
    const url = new URL((await testDatabase()).url);
    database = url.pathname.slice(1);
    front = await tlsFront({ host: url.hostname, port: Number(url.port || 5432) }, certificates);
    setSecretReader(async () => JSON.stringify({ username: decodeURIComponent(url.username) || "postgres", password: "not-checked-by-the-test-server" }));
  });
  after(async () => {
    await front?.close();
    setSecretReader(async () => Promise.reject(new Error("no secrets in tests")));
  });

  const pool = (host: string, ca?: string[]) => createDb({ kind: "rds", host, port: front.port, database, secretArn: "arn:test", poolMax: 1, ssl: true, ca });

  it("connects when the server's certificate chains to a trusted CA and names the host", async () => {
    const db = pool("localhost", [certificates.ca]);
    try {
      const { rows } = await db.query("SELECT 1 AS one");
      assert.equal(rows[0].one, 1);
    } finally {
      await db.end();
    }
  });

  it("refuses a server whose CA it does not trust: by default it trusts only RDS's CAs", async () => {
    const db = pool("localhost");
    try {
      await assert.rejects(db.query("SELECT 1"), /self[- ]signed certificate|unable to get local issuer certificate/);
    } finally {
      await db.end();
    }
  });

  it("refuses a trusted certificate for another host name", async () => {
    const db = pool("127.0.0.1", [certificates.ca]);
    try {
      await assert.rejects(db.query("SELECT 1"), (err: NodeJS.ErrnoException) => err.code === "ERR_TLS_CERT_ALTNAME_INVALID");
    } finally {
      await db.end();
    }
  });

  it("ships the CA the database is issued from (rds-ca-rsa2048-g1) for the home and DR regions, in every database function's bundle", () => {
    const subjects = rdsCertificates().map((pem) => new X509Certificate(pem).subject);
    for (const region of RDS_CA_REGIONS)
      assert.ok(
        subjects.some((s) => s.includes(`Amazon RDS ${region} Root CA RSA2048 G1`)),
        region,
      );
    const source = fs.readFileSync(path.resolve(__dirname, "../../components/database.ts"), "utf8");
    assert.match(source, /caCertIdentifier: "rds-ca-rsa2048-g1"/, "the program selects the RSA2048 G1 CA");
    for (const fn of ["tracking", "trips", "jobs", "migrate"] as const) {
      const code = bundleFunction(fn).code;
      assert.equal((code.match(/BEGIN CERTIFICATE/g) ?? []).length, rdsCertificates().length, fn);
    }
  });
});
