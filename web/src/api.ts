/**
 * The console's one HTTP client: bearer token, silent refresh on 401 (`POST /auth/refresh` with the
 * httpOnly cookie), RFC 9457 problems as `ApiProblem`, and the sandbox flag read from every response.
 */

export interface InvalidField {
  field: string;
  messages: string[];
}

/** An RFC 9457 problem document returned by the API (or a network failure, status 0). */
export class ApiProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly body: Record<string, unknown>;
  constructor(status: number, body: Record<string, unknown>) {
    const title = String(body.title ?? `HTTP ${status}`);
    const detail = String(body.detail ?? '');
    super(detail ? `${title}: ${detail}` : title);
    this.status = status;
    this.type = String(body.type ?? '');
    this.title = title;
    this.detail = detail;
    this.body = body;
  }
  get invalidFields(): InvalidField[] {
    return Array.isArray(this.body.invalidFields) ? (this.body.invalidFields as InvalidField[]) : [];
  }
}

export interface SessionUser {
  id: string;
  username: string;
  role: 'supervisor' | 'officer' | 'auditor';
  unitId: string;
  unitPath: string;
  isPrincipal: boolean;
  displayName?: string;
}

interface TokenAnswer {
  accessToken: string;
  expiresAt?: string;
  user?: SessionUser;
}

const STORAGE_KEY = 'zz.access';
let accessToken: string | null = sessionStorage.getItem(STORAGE_KEY);
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<() => void>();
/** The sandbox clock a drill server (演练) sends in `X-Zhengzhi-Sandbox` on every response; null elsewhere. */
let sandbox: string | null = null;
let sessionLost = false;

function notify(): void {
  for (const listener of listeners) listener();
}

/** Subscribe to session / sandbox changes (for useSyncExternalStore). */
export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
export const isSandbox = (): boolean => sandbox !== null;
export const sandboxClock = (): string | null => sandbox;
export const hasToken = (): boolean => accessToken !== null;
export const wasSessionLost = (): boolean => sessionLost;
export const currentToken = (): string | null => accessToken;

function setToken(answer: TokenAnswer | null): void {
  accessToken = answer?.accessToken ?? null;
  if (accessToken) sessionStorage.setItem(STORAGE_KEY, accessToken);
  else sessionStorage.removeItem(STORAGE_KEY);
  clearTimeout(refreshTimer);
  if (answer?.expiresAt) {
    // Refresh a minute before the 15-minute access token expires, so the user never re-types a password.
    const wait = Math.max(5_000, Date.parse(answer.expiresAt) - Date.now() - 60_000);
    refreshTimer = setTimeout(() => void refreshSession(), wait);
  }
  notify();
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Exchanges the refresh cookie for a new access token; false when there is no valid session. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const response = await fetch('/auth/refresh', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: '{}',
      });
      if (!response.ok) return false;
      setToken((await response.json()) as TokenAnswer);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export async function login(username: string, password: string): Promise<SessionUser> {
  const answer = (await request('/auth/login', {
    method: 'POST',
    body: { username, password },
    anonymous: true,
  })) as TokenAnswer;
  setToken(answer);
  sessionLost = false;
  return answer.user ?? ((await request('/auth/me')) as SessionUser);
}

export async function logout(): Promise<void> {
  try {
    await fetch('/auth/logout', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      },
      body: '{}',
    });
  } finally {
    setToken(null);
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  anonymous?: boolean;
  signal?: AbortSignal;
  /** Return the raw Response (downloads, streams). */
  raw?: boolean;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (!options.anonymous && accessToken) headers.authorization = `Bearer ${accessToken}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiProblem(0, { title: '无法连接服务器', detail: (error as Error).message });
  }
}

/** Sends a request; 401 → one silent refresh and retry; problems are thrown as ApiProblem. */
export async function request(path: string, options: RequestOptions = {}): Promise<unknown> {
  let response = await send(path, options);
  if (response.status === 401 && !options.anonymous) {
    if (await refreshSession()) response = await send(path, options);
    else if (accessToken || !sessionLost) {
      sessionLost = true;
      setToken(null);
    }
  }
  const flag = response.headers.get('x-zhengzhi-sandbox');
  // The sandbox clock only moves forward: a slower response that began before a move keeps the newer one.
  const stale = flag !== null && sandbox !== null && Date.parse(flag) < Date.parse(sandbox);
  if (flag !== sandbox && !stale) {
    sandbox = flag;
    notify();
  }
  if (options.raw && response.ok) return response;
  const body = await readBody(response);
  if (!response.ok) {
    throw new ApiProblem(
      response.status,
      typeof body === 'object' && body !== null
        ? (body as Record<string, unknown>)
        : { detail: String(body ?? '') },
    );
  }
  return body;
}

export const get = <T>(path: string, signal?: AbortSignal): Promise<T> =>
  request(path, { signal }) as Promise<T>;
export const post = <T>(path: string, body: unknown = {}, headers?: Record<string, string>): Promise<T> =>
  request(path, { method: 'POST', body, headers }) as Promise<T>;

/** Query string from defined, non-empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Downloads an authenticated resource as a file (the bearer token cannot ride on a plain link). */
export async function download(path: string, fileName: string): Promise<void> {
  const response = (await request(path, { raw: true, headers: { accept: '*/*' } })) as Response;
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Paged answer, the project's one way to page. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
