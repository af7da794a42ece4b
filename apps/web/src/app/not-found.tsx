import Link from 'next/link';

export const metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <section className="empty-state not-found">
      <h1>Nothing here</h1>
      <p>This page does not exist, or it is not shared with you.</p>
      <Link href="/" className="button">
        Browse the marketplace
      </Link>
    </section>
  );
}
