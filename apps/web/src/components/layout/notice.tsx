'use client';

import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

/** One visible, dismissible message for failures that outlive the component that caused them. */
interface NoticeApi {
  notify(message: string): void;
}

const NoticeContext = createContext<NoticeApi>({ notify: () => {} });

export function useNotice(): NoticeApi {
  return useContext(NoticeContext);
}

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<string | null>(null);
  const notify = useCallback((next: string) => setMessage(next), []);
  const api = useMemo(() => ({ notify }), [notify]);
  return (
    <NoticeContext.Provider value={api}>
      {message && (
        <div className="notice" role="alert">
          <span>{message}</span>
          <button type="button" className="link-button" onClick={() => setMessage(null)}>
            Dismiss
          </button>
        </div>
      )}
      {children}
    </NoticeContext.Provider>
  );
}
