import { afterEach, describe, expect, it, vi } from "vitest";
import type { Api } from "./api";
import { uploadDocument } from "./upload";

/** A stand-in XMLHttpRequest that records the PUT and reports progress, as a browser's would. */
class FakeXhr {
  static last?: FakeXhr;
  static status = 200;
  method = "";
  url = "";
  headers: Record<string, string> = {};
  status = 0;
  upload: { onprogress?: (e: { lengthComputable: boolean; loaded: number; total: number }) => void } = {};
  onload?: () => void;
  onerror?: () => void;
  body?: unknown;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    FakeXhr.last = this;
    this.body = body;
    this.upload.onprogress?.({ lengthComputable: true, loaded: 5, total: 10 });
    this.status = FakeXhr.status;
    this.onload?.();
  }
}

describe("uploading a document", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("asks for a presigned PUT with the file's type and size, sends the file with the signed type, reports progress, then confirms", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    FakeXhr.status = 200;
    const calls: { path: string; call: unknown }[] = [];
    const api = (async (_m: string, path: string, call: unknown) => {
      calls.push({ path, call });
      return path.endsWith("/confirm")
        ? { body: {}, headers: new Headers() }
        : {
            body: {
              documentId: "d-1",
              upload: { method: "PUT", url: "https://s3.example/put", headers: { "content-type": "application/pdf", "content-length": "10" } },
            },
            headers: new Headers(),
          };
    }) as unknown as Api;
    const progress: number[] = [];
    const file = new File(["0123456789"], "pod.pdf", { type: "application/pdf" });
    await uploadDocument(api, "t-1", "proof_of_delivery", file, (f) => progress.push(f));
    expect(calls[0]).toEqual({
      path: "/api/trips/{tripId}/documents",
      call: { params: { tripId: "t-1" }, body: { kind: "proof_of_delivery", contentType: "application/pdf", sizeBytes: 10 } },
    });
    expect(FakeXhr.last).toMatchObject({ method: "PUT", url: "https://s3.example/put", headers: { "content-type": "application/pdf" }, body: file });
    expect(progress).toEqual([0.5, 1]);
    expect(calls[1].path).toBe("/api/trips/{tripId}/documents/{documentId}/confirm");
  });

  it("refuses a file type the API would refuse, before asking for anything, and never confirms a failed PUT", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    const api = vi.fn(async () => ({
      body: { documentId: "d-2", upload: { method: "PUT", url: "u", headers: { "content-type": "image/png", "content-length": "3" } } },
      headers: new Headers(),
    })) as unknown as Api;
    await expect(uploadDocument(api, "t", "photo", new File(["x"], "a.gif", { type: "image/gif" }), () => undefined)).rejects.toThrow(
      "only PDF, JPEG, PNG or WebP",
    );
    expect(api).not.toHaveBeenCalled();
    FakeXhr.status = 403;
    await expect(uploadDocument(api, "t", "photo", new File(["abc"], "a.png", { type: "image/png" }), () => undefined)).rejects.toThrow(
      "refused the file (403)",
    );
    expect(api).toHaveBeenCalledTimes(1);
  });
});
