import type { IncomingMessage } from 'node:http';
import type { RouteAuth } from './authenticator';
import type { Caller } from './caller';

/** What a route handler gets: the request, its query, request id, client address and the authenticated caller. */
export interface RequestContext {
  req: IncomingMessage;
  query: URLSearchParams;
  requestId: string;
  /** The client's address (X-Forwarded-For only from trusted proxies). */
  clientAddress: string;
  /** Undefined for anonymous calls. */
  caller?: Caller;
}

/** A route's answer: JSON by default, or a page or text with its content type. */
export interface Reply {
  status: number;
  json?: unknown;
  body?: { contentType: string; text: string };
  headers?: Record<string, string>;
}

/** One endpoint: matched on the exact raw path and method, authenticated, then (when `limited`) rate limited. */
export interface Route {
  method: 'GET' | 'POST' | 'OPTIONS';
  path: string;
  auth: RouteAuth;
  /** Counted against the caller's bucket (the client address's when anonymous). */
  limited: boolean;
  /** Answers carry the codec's CORS headers (for the Web UI's origin). */
  cors?: boolean;
  handle(ctx: RequestContext): Promise<Reply>;
}
