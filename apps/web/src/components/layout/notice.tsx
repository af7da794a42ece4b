'use client';

import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

/**
 * One visible, dismissible message for things that outlive the component that caused them:
 * failures (tone "error", announced as an alert) and confirmations with an action such as Undo.
 */
export interface NoticeAction {
  label: string;
  run(): void;
}
interface Notice {
  message: string;
  tone: 'error' | 'info';
  action?: NoticeAction | undefined;
}
interface NoticeApi {
  notify(message: string, options?: { tone?: Notice['tone']; action?: NoticeAction }): void;
}

const NoticeContext = createContext<NoticeApi>({ notify: () => {} });

export function useNotice(): NoticeApi {
  return useContext(NoticeContext);
}

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notice, setNotice] = useState<Notice | null>(null);
  const notify = useCallback<NoticeApi['notify']>(
    (message, options) => setNotice({ message, tone: options?.tone ?? 'error', action: options?.action }),
    [],
  );
  const api = useMemo(() => ({ notify }), [notify]);
  const action = notice?.action;
  return (
    <NoticeContext.Provider value={api}>
      {notice && (
        <div
          className={`notice notice-${notice.tone}`}
          role={notice.tone === 'error' ? 'alert' : 'status'}
          data-testid="notice"
        >
          <span>{notice.message}</span>
          <span className="notice-actions">
            {action && (
              <button
                type="button"
                className="button small secondary"
                onClick={() => {
                  setNotice(null);
                  action.run();
                }}
              >
                {action.label}
              </button>
            )}
            <button type="button" className="link-button" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          </span>
        </div>
      )}
      {children}
    </NoticeContext.Provider>
  );
}

/** "…failure" + "The change…" must read as two sentences. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
