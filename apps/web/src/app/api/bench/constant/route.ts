// Benchmarks only: the constant bytes at a static, query-less path (constant-bytes.ts).
import { constantBytes } from './constant-bytes';

export function GET(): Response {
  return constantBytes();
}
