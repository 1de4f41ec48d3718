/**
 * Non-negative least squares (Lawson and Hanson's active-set method): latency terms are costs, so
 * their fitted coefficients may not go below zero.
 */

function solveSquare(m: number[][], v: number[]): number[] {
  const n = v.length;
  const a = m.map((row, i) => [...row, v[i] ?? 0]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-300) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row, i) => (Math.abs(row[i]!) < 1e-300 ? 0 : row[n]! / row[i]!));
}

function leastSquaresOn(A: readonly number[][], b: readonly number[], cols: readonly number[]): number[] {
  const k = cols.length;
  const ata = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const atb = new Array<number>(k).fill(0);
  for (let r = 0; r < A.length; r++) {
    const row = A[r]!;
    for (let i = 0; i < k; i++) {
      const xi = row[cols[i]!]!;
      atb[i]! += xi * b[r]!;
      for (let j = 0; j < k; j++) ata[i]![j]! += xi * row[cols[j]!]!;
    }
  }
  for (let i = 0; i < k; i++) ata[i]![i]! += 1e-12 * (ata[i]![i]! + 1e-12);
  return solveSquare(ata, atb);
}

/** Minimizes ‖A·x − b‖² subject to x ≥ 0. */
export function nnls(A: readonly number[][], b: readonly number[]): number[] {
  const n = A[0]?.length ?? 0;
  const norms = Array.from({ length: n }, (_, j) => Math.sqrt(A.reduce((s, row) => s + row[j]! * row[j]!, 0)) || 1);
  const As = A.map((row) => row.map((x, j) => x / norms[j]!));
  const x = new Array<number>(n).fill(0);
  const passive = new Set<number>();
  const gradient = (): number[] => {
    const resid = As.map((row, r) => b[r]! - row.reduce((s, v, j) => s + v * x[j]!, 0));
    return Array.from({ length: n }, (_, j) => As.reduce((s, row, r) => s + row[j]! * resid[r]!, 0));
  };
  for (let outer = 0; outer < 3 * n + 5; outer++) {
    const w = gradient();
    let best = -1;
    for (let j = 0; j < n; j++) if (!passive.has(j) && w[j]! > 1e-12 && (best < 0 || w[j]! > w[best]!)) best = j;
    if (best < 0) break;
    passive.add(best);
    for (let inner = 0; inner < 3 * n + 5; inner++) {
      const cols = [...passive].sort((p, q) => p - q);
      const s = leastSquaresOn(As, b, cols);
      if (s.every((v) => v > 0)) {
        cols.forEach((c, i) => (x[c] = s[i]!));
        break;
      }
      let alpha = 1;
      cols.forEach((c, i) => {
        if (s[i]! <= 0) alpha = Math.min(alpha, x[c]! / (x[c]! - s[i]! || 1));
      });
      cols.forEach((c, i) => (x[c] = x[c]! + alpha * (s[i]! - x[c]!)));
      for (const c of cols) if (x[c]! <= 1e-15) {
        x[c] = 0;
        passive.delete(c);
      }
    }
  }
  return x.map((v, j) => v / norms[j]!);
}
