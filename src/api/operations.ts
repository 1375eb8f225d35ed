/** The operations the API declares (`endpoint()` records each) and what a handler receives: read by /openapi.json. */
import type { ClassConstructor } from 'class-transformer';
import type { Request, Response } from 'express';
import type { AuthUser } from './auth/auth-user';
import type { UploadSpec } from './uploads';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler receives: the validated body and query, the path parameters and the caller. */
export interface EndpointInput<B, Q> {
  body: B;
  query: Q;
  params: Record<string, string>;
  /** The authenticated user (a public endpoint gets `undefined` here when no token was sent). */
  user: AuthUser;
  req: Request;
  res: Response;
}

/** One documented operation; `/openapi.json` is built from these and the DTOs' decorators. */
export interface EndpointSpec<B extends object = object, Q extends object = object> {
  method: HttpMethod;
  /** Express path, e.g. `/items/:id/commands`. */
  path: string;
  summary: string;
  tag: string;
  body?: ClassConstructor<B>;
  query?: ClassConstructor<Q>;
  /** No authentication needed (login, health). */
  public?: boolean;
  /** Status of a successful response (default 200). */
  status?: number;
  /** `?dryRun=true` answers 200 with what applying would do, whatever `status` is (its query DTO has `dryRun`). */
  dryRun?: boolean;
  /** Name of the DTO class describing the response, for the OpenAPI document. */
  response?: ClassConstructor<object>;
  /** Accepts an `Idempotency-Key` header. */
  idempotent?: boolean;
  /** Extra OpenAPI headers/parameters, e.g. If-Match. */
  headers?: Array<{ name: string; description: string }>;
  /** The body is a file (its own media type, or multipart/form-data), not JSON: read it with `readUpload`. */
  upload?: UploadSpec;
  handler(input: EndpointInput<B, Q>): Promise<unknown>;
}

/** The operations declared so far, in declaration order. */
export class OperationRegistry {
  readonly operations: EndpointSpec[] = [];

  add(spec: EndpointSpec): void {
    this.operations.push(spec);
  }
}
