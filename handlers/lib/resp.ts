/**
 * A minimal Redis client (RESP2) for what the cache needs: AUTH, GET, SET EX,
 * DEL, over TCP or TLS, every command under a timeout. A full client would
 * cost a third of the function's bundle; this one reconnects on the next
 * command after any failure, which is all a best-effort cache needs.
 */
import * as net from "net";
import * as tls from "tls";

export type RespValue = string | number | null | RespValue[];

export interface RespOptions {
  host: string;
  port: number;
  password?: string;
  tls: boolean;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

export class RespError extends Error {}

/** `redis://[:password@]host[:port]` or `rediss://` (TLS). */
export function respOptionsFromUrl(url: string, timeouts: Pick<RespOptions, "connectTimeoutMs" | "commandTimeoutMs">): RespOptions {
  const u = new URL(url);
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new Error(`not a redis URL: ${u.protocol}`);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === "rediss:",
    ...timeouts,
  };
}

export function encodeCommand(args: (string | number)[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) {
    const text = String(arg);
    parts.push(`$${Buffer.byteLength(text)}\r\n${text}\r\n`);
  }
  return Buffer.from(parts.join(""));
}

/** Parses one reply at `offset`; undefined when the buffer does not hold all of it yet. */
export function parseReply(buffer: Buffer, offset = 0): { value: RespValue | RespError; next: number } | undefined {
  const lineEnd = buffer.indexOf("\r\n", offset);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[offset]);
  const line = buffer.toString("utf8", offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case "+":
      return { value: line, next };
    case "-":
      return { value: new RespError(line), next };
    case ":":
      return { value: Number(line), next };
    case "$": {
      const length = Number(line);
      if (length < 0) return { value: null, next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString("utf8", next, next + length), next: next + length + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { value: null, next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, at);
        if (!item) return undefined;
        if (item.value instanceof RespError) return item;
        items.push(item.value);
        at = item.next;
      }
      return { value: items, next: at };
    }
    default:
      throw new RespError(`unexpected reply type ${JSON.stringify(type)}`);
  }
}

interface Pending {
  resolve: (value: RespValue) => void;
  reject: (err: Error) => void;
}

export class RespClient {
  private socket?: net.Socket;
  private ready?: Promise<void>;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];

  constructor(private readonly options: RespOptions) {}

  async command(...args: (string | number)[]): Promise<RespValue> {
    await this.connect();
    return this.send(args);
  }

  close(): void {
    this.fail(new Error("closed"));
  }

  private send(args: (string | number)[]): Promise<RespValue> {
    const socket = this.socket!;
    return new Promise<RespValue>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`redis did not answer within ${this.options.commandTimeoutMs} ms`)), this.options.commandTimeoutMs);
      this.pending.push({
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
      socket.write(encodeCommand(args));
    });
  }

  private connect(): Promise<void> {
    if (this.ready) return this.ready;
    this.ready = new Promise<void>((resolve, reject) => {
      // Until the connection is up, a failure rejects this promise (see fail()).
      this.rejectConnect = reject;
      const { host, port } = this.options;
      const socket = this.options.tls ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
      this.socket = socket;
      socket.setNoDelay(true);
      const timer = setTimeout(
        () => this.fail(new Error(`could not connect to redis within ${this.options.connectTimeoutMs} ms`)),
        this.options.connectTimeoutMs,
      );
      socket.once("close", () => clearTimeout(timer));
      socket.once(this.options.tls ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        const auth = this.options.password ? this.send(["AUTH", this.options.password]) : Promise.resolve<RespValue>("OK");
        auth.then(() => {
          this.rejectConnect = undefined;
          resolve();
        }, reject);
      });
      socket.on("data", (chunk: Buffer) => this.receive(chunk));
      socket.on("error", (err) => this.fail(err));
      socket.on("close", () => this.fail(new Error("redis connection closed")));
    });
    // Callers see the rejection through command(); nobody else may leave it unhandled.
    this.ready.catch(() => undefined);
    return this.ready;
  }

  private rejectConnect?: (err: Error) => void;

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let offset = 0;
    try {
      for (let reply = parseReply(this.buffer, offset); reply; reply = parseReply(this.buffer, offset)) {
        offset = reply.next;
        const waiter = this.pending.shift();
        if (reply.value instanceof RespError) waiter?.reject(reply.value);
        else waiter?.resolve(reply.value);
      }
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    this.buffer = this.buffer.subarray(offset);
  }

  /** Drops the connection and fails everything in flight; the next command reconnects. */
  private fail(err: Error): void {
    const socket = this.socket;
    this.socket = undefined;
    this.ready = undefined;
    this.buffer = Buffer.alloc(0);
    this.rejectConnect?.(err);
    this.rejectConnect = undefined;
    for (const waiter of this.pending.splice(0)) waiter.reject(err);
    socket?.destroy();
  }
}
