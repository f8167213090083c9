/**
 * The API's operations as types, from the generated OpenAPI types (api.d.ts):
 * a path template and a method pick an operation, which gives the body it
 * takes and the body of its success. The web app's client and the tests' own
 * client are both typed by these.
 */
import type { paths } from "./api";

export type Method = "get" | "post" | "patch";
type OperationOf<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;

/** The body of the operation's success (its 200 or 201). */
export type Answer<P extends keyof paths, M extends Method> =
  OperationOf<P, M> extends { responses: infer R } ? { [S in keyof R]: S extends 200 | 201 ? JsonOf<R[S]> : never }[keyof R] : never;

/** The request body the operation takes. */
export type Body<P extends keyof paths, M extends Method> = OperationOf<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;
