/**
 * The API client, typed by the OpenAPI document's generated types
 * (types/api.d.ts): the path template and method pick the operation, which
 * types the body sent and the answer. Errors carry the API's own code and
 * message, so screens can show them as the API says them.
 */
import type { paths } from "../../types/api";
import type { Answer, Body, Method } from "../../types/operations";

export type { Answer, Body, Method };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface Call<P extends keyof paths, M extends Method> {
  params?: Record<string, string>;
  query?: Record<string, string | undefined>;
  body?: Body<P, M>;
  headers?: Record<string, string>;
}

export type Api = <P extends keyof paths, M extends Method>(method: M, path: P, call?: Call<P, M>) => Promise<{ body: Answer<P, M>; headers: Headers }>;

/** An API client sending the ID token `token()` gives. */
export function createApi(base: string, token: () => string | undefined): Api {
  return async (method, template, call = {}) => {
    const path = String(template).replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(call.params?.[name] ?? ""));
    const query = new URLSearchParams(Object.entries(call.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ""));
    const bearer = token();
    let res: Response;
    try {
      res = await fetch(`${base}${path}${query.size ? `?${query}` : ""}`, {
        method: method.toUpperCase(),
        headers: {
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(call.body !== undefined ? { "content-type": "application/json" } : {}),
          ...call.headers,
        },
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
      });
    } catch {
      throw new ApiError(0, "offline", "the TMS API cannot be reached; check your connection");
    }
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      throw new ApiError(res.status, parsed?.error?.code ?? "error", parsed?.error?.message ?? `the API answered ${res.status}`);
    }
    return { body: parsed, headers: res.headers };
  };
}
