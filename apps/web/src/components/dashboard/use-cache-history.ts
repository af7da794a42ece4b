'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { fetchStats, type HistorySample, type Sample, toSample } from './stats';

const POLL_MS = 2_000;
const MAX_SAMPLES = 150; // five minutes at one sample every 2 s, like the server keeps

/**
 * Polls the cache stats every 2 s. The server keeps the counter history, so the first poll
 * brings the last five minutes and later polls only the samples after the newest one seen.
 */
export function useCacheHistory() {
  const last = useRef<HistorySample | undefined>(undefined);
  const stats = useQuery({
    queryKey: ['cache-stats'],
    queryFn: () => fetchStats(last.current?.at ?? 0),
    refetchInterval: POLL_MS,
    staleTime: 0,
  });
  const [history, setHistory] = useState<Sample[]>([]);

  useEffect(() => {
    const fresh = (stats.data?.history ?? []).filter((s) => s.at > (last.current?.at ?? 0));
    if (fresh.length === 0) return;
    const samples = fresh.map((raw) => {
      const sample = toSample(raw, last.current);
      last.current = raw;
      return sample;
    });
    setHistory((h) => [...h, ...samples].slice(-MAX_SAMPLES));
  }, [stats.data]);

  return { stats, history };
}
