/**
 * bench:shrink's budgets: shares of the seed's cost that each shrink asks for. The latency-targeted and
 * uniform architectures take `--budgets` (of the seed's predicted latency); the FLOP-targeted ones of (b)
 * take `--flops-budgets` (of the seed's FLOPs), so that their accuracies can span the latency-targeted
 * ones' and every architecture of both methods has a matched comparison.
 */

/** The shares in `text` ("0.25,0.5"), ascending and each once; an error naming `option` where one is not in (0, 1]. */
export function parseBudgets(text: string, option: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  for (const part of parts) {
    const share = Number(part);
    if (part === '' || !(share > 0 && share <= 1)) throw new Error(`${option} must be shares of the seed's cost in (0, 1], got "${part}" in "${text}"`);
  }
  return [...new Set(parts.map(Number))].sort((a, b) => a - b);
}

/** A budget as a percentage for a table: whole where it is whole ("25%"), else to a tenth ("57.5%"). */
export function budgetPct(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}
