import { DEMO_PASSWORD, DEMO_USERS } from '@stash/db';
import { safeNextPath } from '@stash/validators';
import { SignInForm } from '~/components/auth/sign-in-form';

export const metadata = { title: 'Sign in' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  // Same-site paths only, as the browser will read them (packages/validators, next-path.ts).
  const next = safeNextPath((await searchParams).next);
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
