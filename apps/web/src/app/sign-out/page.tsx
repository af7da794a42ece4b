import { SignOut } from '~/components/auth/sign-out';

export const metadata = { title: 'Sign out' };

export default function SignOutPage() {
  return (
    <section className="narrow">
      <SignOut />
    </section>
  );
}
