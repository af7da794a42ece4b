import { DEMO_PASSWORD, DEMO_USERS } from '@stash/db';
import { SignInForm } from '~/components/auth/sign-in-form';

export const metadata = { title: 'Sign in' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeNext(value: string | string[] | undefined): string {
  const next = Array.isArray(value) ? value[0] : value;
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default async function SignInPage({ searchParams }: Props) {
  const next = safeNext((await searchParams).next);
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <SignInForm next={next} />
      <aside className="panel demo-credentials">
        <h2>Demo accounts</h2>
        <p>
          Every seeded user signs in with the password <code>{DEMO_PASSWORD}</code>:
        </p>
        <ul>
          {DEMO_USERS.map((email) => (
            <li key={email}>
              <code>{email}</code>
            </li>
          ))}
        </ul>
      </aside>
    </section>
  );
}
