/**
 * A generated avatar: a symmetric 5x5 identicon whose pattern and hue come from the agent's slug,
 * so every agent has a stable, distinguishable picture without storing or fetching images.
 */
function hashOf(text: string): number {
  // FNV-1a: tiny, fast, and spreads similar slugs far apart.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function AgentAvatar({ seed, size = 56 }: { seed: string; size?: number }) {
  const hash = hashOf(seed);
  // Bits 0-14 draw the pattern; the high bits pick the colour.
  const hue = (hash >>> 16) % 360;
  const cells: Array<[number, number]> = [];
  // 15 bits decide the left three columns; the right two mirror them.
  for (let i = 0; i < 15; i++) {
    if ((hash >>> i) & 1) {
      const x = i % 3;
      const y = Math.floor(i / 3);
      cells.push([x, y]);
      if (x < 2) cells.push([4 - x, y]);
    }
  }
  return (
    <svg className="avatar" width={size} height={size} viewBox="-1 -1 7 7" aria-hidden="true">
      <rect x={-1} y={-1} width={7} height={7} rx={1.4} fill={`hsl(${hue} 70% 94%)`} />
      {cells.map(([x, y]) => (
        <rect key={`${x}-${y}`} x={x} y={y} width={1} height={1} fill={`hsl(${hue} 60% 42%)`} />
      ))}
    </svg>
  );
}
