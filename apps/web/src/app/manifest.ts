import type { MetadataRoute } from 'next';

/** Lets a phone add Stash to its home screen with a name and the app icon. */
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: 'Stash: AI agent marketplace',
    short_name: 'Stash',
    start_url: '/',
    display: 'standalone',
    background_color: '#f7f7f8',
    theme_color: '#2563eb',
    icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' }],
  };
}
