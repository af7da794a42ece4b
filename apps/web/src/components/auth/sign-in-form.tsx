'use client';

import { safeNextPath } from '@stash/validators';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { api } from '~/trpc/react';
import { FieldErrors } from './field-errors';

export function SignInForm({ next }: { next: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const utils = api.useUtils();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = api.auth.signIn.useMutation({
    onSuccess: ({ user }) => {
      // Nothing cached under the previous session survives; the header learns who we are at once.
      queryClient.clear();
      utils.auth.me.setData(undefined, user);
      // Checked again where it is followed: this component must not trust its caller for that.
      router.push(safeNextPath(next));
      router.refresh();
    },
  });

  const fieldErrors: Partial<Record<string, string[]>> = signIn.error?.data?.zodError?.fieldErrors ?? {};
  // A validation failure is shown next to the fields; anything else ("Wrong email or password.") above.
  const formError = signIn.error && !signIn.error.data?.zodError ? signIn.error.message : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email, password });
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      {formError && (
        <p className="error" role="alert">
          {formError}
        </p>
      )}
      <label>
        Email
        <input
          type="email"
          name="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={Boolean(fieldErrors.email)}
        />
        <FieldErrors messages={fieldErrors.email} />
      </label>
      <label>
        Password
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={Boolean(fieldErrors.password)}
        />
        <FieldErrors messages={fieldErrors.password} />
      </label>
      <button type="submit" className="button" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
