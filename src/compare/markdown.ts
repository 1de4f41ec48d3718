/**
 * A compare run as Markdown: the architectures, then the predicted and the measured cross-device
 * matrices (a row per device, a column per architecture, each row's fastest in bold) with how much
 * each device's own architecture beats the others on it.
 */
import type { CompareResult } from './types.js';

function ms(x: number): string {
  return x >= 100 ? x.toFixed(1) : x >= 10 ? x.toFixed(2) : x.toFixed(3);
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** How a device's own architecture does against the best other one on it, in words. */
export function marginText(margin: number | null): string {
  if (margin === null || Number.isNaN(margin)) return '–';
  return margin >= 0 ? `own fastest by ${percent(margin)}` : `own ${percent(-margin)} slower than the fastest`;
}

function matrixTable(result: CompareResult, values: readonly (readonly (number | null)[])[], seed: readonly (number | null)[], margins: readonly (number | null)[], missing: (i: number) => string): string[] {
  const header = `| device \\ architecture for | seed | ${result.architectures.map((a) => a.device).join(' | ')} | own vs others |`;
  const rule = `| --- | ---: | ${result.architectures.map(() => '---:').join(' | ')} | --- |`;
  const rows = result.devices.map((d, i) => {
    const row = values[i] ?? [];
    const present = row.filter((x): x is number => x !== null);
    if (present.length === 0) return `| ${d.name} | ${missing(i)} | ${result.architectures.map(() => '').join(' | ')} | |`;
    const best = Math.min(...present);
    const cells = row.map((x) => (x === null ? '–' : x === best ? `**${ms(x)}**` : ms(x)));
    const s = seed[i];
    return `| ${d.name} | ${s === null || s === undefined ? '–' : ms(s)} | ${cells.join(' | ')} | ${marginText(margins[i] ?? null)} |`;
  });
  return [header, rule, ...rows];
}

/** The Markdown summary of a compare run (what `morphlat compare` prints). */
export function compareMarkdown(result: CompareResult): string {
  const accuracy = result.architectures.some((a) => a.accuracy !== undefined);
  const archRows = [
    `| seed ${result.model.name} | – | ${result.model.parameters.toLocaleString('en-US')} | ${(result.model.flops / 1e6).toFixed(2)} |${accuracy ? ' – |' : ''}`,
    ...result.architectures.map(
      (a) =>
        `| for ${a.device} | ${a.source === 'given' ? 'given' : `shrunk${a.targetMs === undefined ? '' : ` to ${ms(a.targetMs)} ms`}${a.multiplier === undefined ? '' : `, ×${a.multiplier.toFixed(3)} to matched FLOPs`}`} | ${a.parameters.toLocaleString('en-US')} | ${(a.flops / 1e6).toFixed(2)} |${accuracy ? ` ${a.accuracy === undefined ? '–' : percent(a.accuracy)} |` : ''}`,
    ),
  ];
  const measuredAny = result.devices.some((d) => d.measuredHere);
  return [
    `## ${result.model.name}: architectures per device`,
    '',
    `| architecture | made by | parameters | MFLOPs |${accuracy ? ' test accuracy |' : ''}`,
    `| --- | --- | ---: | ---: |${accuracy ? ' ---: |' : ''}`,
    ...archRows,
    '',
    '### Predicted latency (ms), from each row\'s device profile',
    '',
    ...matrixTable(result, result.predictedMs, result.devices.map((d) => d.seedPredictedMs), result.margins.map((m) => m.predicted), () => '–'),
    '',
    '### Measured latency (ms), here',
    '',
    ...(measuredAny || result.settings.measure !== null
      ? matrixTable(result, result.measuredMs, result.devices.map((d) => d.seedMeasuredMs), result.margins.map((m) => m.measured), (i) => `not measured: ${(result.devices[i]?.notMeasuredBecause ?? '').replace(/\|/g, '\\|')}`)
      : ['Not measured (measuring was turned off).']),
    '',
  ].join('\n');
}
