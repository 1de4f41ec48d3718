/**
 * The files a shrink run writes into its output folder: morph-net's learned-structure exports, the
 * final structure, the shrunk model, a checkpoint to resume from, and the report (JSON and Markdown).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Structure } from '../graph/alive.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import type { Evaluation } from '../train/evaluate.js';
import type { ShrinkReport } from './types.js';

/** Paths inside a shrink output folder. */
export function shrinkPaths(dir: string) {
  return {
    learned: path.join(dir, 'learned_structure'),
    alive: (step: number) => path.join(dir, 'learned_structure', `alive_${step}.json`),
    structure: path.join(dir, 'structure.json'),
    model: dir,
    checkpoint: path.join(dir, 'checkpoint'),
    state: path.join(dir, 'checkpoint', 'state.json'),
    report: path.join(dir, 'report.json'),
    reportMd: path.join(dir, 'report.md'),
  };
}

/** Writes `learned_structure/alive_<step>.json`. */
export async function writeAlive(dir: string, step: number, structure: Structure): Promise<void> {
  await writeJsonAtomic(shrinkPaths(dir).alive(step), structure);
}

function fmt(x: number): string {
  return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(4);
}

function heldOutLine(report: ShrinkReport): string {
  if (report.accuracy !== undefined) return `- test accuracy of the shrunk model retrained from scratch: ${(report.accuracy * 100).toFixed(2)}%`;
  if (report.meanSquaredError !== undefined) return `- test mean squared error of the shrunk model retrained from scratch: ${report.meanSquaredError.toPrecision(4)}`;
  return '- accuracy: not measured (use --retrain-epochs)';
}

/** A report's held-out metric fields from the retrained model's evaluation (none without one). */
export function heldOutFields(evaluation: Evaluation | undefined): Pick<ShrinkReport, 'accuracy' | 'meanSquaredError'> {
  if (evaluation?.task === 'classification') return { accuracy: evaluation.accuracy };
  if (evaluation?.task === 'regression') return { meanSquaredError: evaluation.meanSquaredError };
  return {};
}

/** The report as Markdown. */
export function reportMarkdown(report: ShrinkReport): string {
  const rows = Object.entries(report.structure).map(([name, count]) => `| ${name} | ${report.seedStructure[name] ?? '?'} | ${count} |`);
  return [
    `# Shrink report`,
    '',
    `- target: ${report.target} (${report.unit}); loss: ${report.loss}`,
    `- cost: ${fmt(report.initialCost)} → ${fmt(report.finalCost)} ${report.unit} (${((report.finalCost / report.initialCost) * 100).toFixed(1)}% of the seed)`,
    `- training steps: ${report.steps}; final strength ${report.strength.toPrecision(3)}`,
    heldOutLine(report),
    report.fill === undefined ? null : `- filled up to the target by a width multiplier of ${report.fill.multiplier.toFixed(3)} (the learned structure cost ${fmt(report.fill.fromCost)} ${report.unit})`,
    report.raised.length === 0 ? null : `- raised to ${(report.minWidthRatio * 100).toFixed(0)}% of the seed's width (--min-width-ratio): ${report.raised.join(', ')}`,
    report.restored.length === 0 ? null : `- brought back at the seed's width (room left that widening could not use): ${report.restored.join(', ')}`,
    report.snaps.length === 0 ? '- snapping: no group moved' : `- snapped: ${report.snaps.map((s) => `${s.owners.join('+')} ${s.from}→${s.to}`).join(', ')}`,
    report.grown.length === 0 ? null : `- grown into the room left: ${report.grown.map((s) => `${s.owners.join('+')} ${s.from}→${s.to}`).join(', ')}`,
    report.removed.length === 0 ? null : `- removed (no alive channels): ${report.removed.join(', ')}`,
    report.candidates === undefined ? null : `- chosen from ${report.candidates.length} candidate runs by validation score after training from scratch${(report.candidates[0]?.validationScores?.length ?? 1) > 1 ? ` (the mean of ${report.candidates[0]?.validationScores?.length} trainings each)` : ''}: ${report.candidates.map((c) => `seed ${c.seed} ${c.validationScore.toFixed(4)}${c.chosen ? ' (chosen)' : ''}`).join(', ')}`,
    '',
    '| layer | seed | shrunk |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ]
    .filter((line) => line !== null)
    .join('\n');
}

/** Writes report.json and report.md. */
export async function writeReport(dir: string, report: ShrinkReport): Promise<void> {
  const paths = shrinkPaths(dir);
  await writeJsonAtomic(paths.report, report);
  await writeFileAtomic(paths.reportMd, reportMarkdown(report));
}

/** The highest step exported under learned_structure/, or undefined when none was. */
export async function lastExportedStep(dir: string): Promise<number | undefined> {
  const names = await fs.readdir(shrinkPaths(dir).learned).catch(() => [] as string[]);
  const steps = names.map((n) => /^alive_(\d+)\.json$/.exec(n)?.[1]).filter((s): s is string => s !== undefined).map(Number);
  return steps.length === 0 ? undefined : Math.max(...steps);
}
