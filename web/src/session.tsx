import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from 'react';
import type { ReactNode } from 'react';
import * as api from './api';
import type { Lang } from './labels';

interface SessionValue {
  user: api.SessionUser | null;
  /** True until the first silent refresh / token check has answered. */
  checking: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  lang: Lang;
  setLang(lang: Lang): void;
}

const SessionContext = createContext<SessionValue | null>(null);

/** The logged-in user, restored on load from the tab's access token or the refresh cookie. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<api.SessionUser | null>(null);
  const [checking, setChecking] = useState(true);
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('zz.lang') === 'en' ? 'en' : 'zh'));
  const hasToken = useSyncExternalStore(api.subscribe, api.hasToken);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        if (!api.hasToken()) await api.refreshSession();
        if (api.hasToken()) {
          const me = (await api.get<api.SessionUser>('/auth/me')) ?? null;
          if (!cancelled) setUser(me);
        }
      } catch {
        if (!cancelled) setUser(null);
      } finally {
        if (!cancelled) setChecking(false);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  // A token lost for good (refresh refused) ends the session: back to the login page.
  useEffect(() => {
    if (!hasToken && !checking) setUser(null);
  }, [hasToken, checking]);

  const login = useCallback(async (username: string, password: string) => {
    setUser(await api.login(username, password));
  }, []);
  const logout = useCallback(async () => {
    await api.logout();
    setUser(null);
  }, []);
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem('zz.lang', next);
    setLangState(next);
  }, []);

  const value = useMemo(
    () => ({ user, checking, login, logout, lang, setLang }),
    [user, checking, login, logout, lang, setLang],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user (pages under the shell only render with one). */
export function useUser(): api.SessionUser {
  const { user } = useSession();
  if (!user) throw new Error('no user');
  return user;
}

/** `t('中文', 'English')`: the console's two languages, Chinese by default. */
export function useT(): (zh: string, en: string) => string {
  const { lang } = useSession();
  return useCallback((zh: string, en: string) => (lang === 'en' ? en : zh), [lang]);
}

/** What a role may do in the console (mirrors src/api/authz.ts; the API still decides). */
export function can(
  user: api.SessionUser,
  what: 'act' | 'register' | 'configure' | 'audit' | 'lift',
): boolean {
  switch (what) {
    case 'act':
    case 'register':
      return user.role === 'officer' || user.role === 'supervisor';
    case 'configure':
    case 'lift':
      return user.role === 'supervisor';
    case 'audit':
      return user.role === 'auditor' || user.role === 'supervisor';
  }
}
