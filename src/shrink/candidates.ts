/**
 * A shrink run as the best of several candidates. The structure MorphNet learns depends on the run
 * (the order of the training data): for resnet-mini at a quarter of lavapipe's latency, two runs
 * apart only in their seed learned structures whose retrainings differed by two points of test accuracy,
 * every paired retraining the same way (BENCHMARKS.md). Here each candidate is a whole shrink run with
 * a seed of its own, in `DIR/candidates/<k>/`; each candidate's shrunk architecture is trained from
 * scratch and scored on validation data (never the test data the report's accuracy comes from, and with
 * training seeds of its own; by the mean of several trainings when asked, since one training's score
 * moves by points between data orders), and the best candidate becomes the run's result in `DIR`.
 * Candidate 1 has the run's own seed, so it is the structure a run without candidates would learn.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { mean } from 'simple-statistics';
import { CancelledError, UsageError } from '../errors.js';
import { loadModelFile, saveModelFiles } from '../graph/model-file.js';
import { writeStructureFile } from '../graph/structure-file.js';
import type { Evaluation } from '../train/evaluate.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { heldOutFields, lastExportedStep, shrinkPaths, writeReport } from './files.js';
import { retrainFromScratch, shrinkRetraining } from './retrain.js';
import { runOneShrink } from './run.js';
import type { ShrinkCandidate, ShrinkReport, ShrinkRequest } from './types.js';

/**
 * Training `j` (1-based) that scores a candidate has seed `j · 1000 + the run's seed`, so no retraining
 * that reports the chosen architecture's accuracy (seeds 1, 2, … in bench:shrink) repeats a training
 * that won the choice; every candidate is scored by the same seeds.
 */
const SCORING_SEED_STEP = 1000;

/** What a candidate's `validation.json` keeps: every scoring training's score and evaluation, in seed order. */
interface KeptScores {
  readonly score: number;
  readonly scores?: readonly number[];
  readonly evaluations?: readonly Evaluation[];
  /** The one evaluation of a file that scored with one training. */
  readonly evaluation?: Evaluation;
}

/** The folder of candidate `k` (1-based) of a run writing to `dir`. */
export function candidateDir(dir: string, k: number): string {
  return path.join(dir, 'candidates', String(k));
}

/** Higher is better: accuracy for classification, minus the mean squared error for regression. */
function validationScore(evaluation: Evaluation | undefined): number {
  if (evaluation?.task === 'classification') return evaluation.accuracy;
  if (evaluation?.task === 'regression') return -evaluation.meanSquaredError;
  return Number.NaN;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

/** Candidate `k`'s shrink run: its report, from its folder when a resumed run finished it before. */
async function candidateRun(request: ShrinkRequest, k: number, count: number): Promise<ShrinkReport> {
  const dir = candidateDir(request.outDir, k);
  if (request.resume === true) {
    const done = await readJson<ShrinkReport>(shrinkPaths(dir).report);
    if (done !== undefined) return done;
  }
  const started = request.resume === true && (await readJson<unknown>(shrinkPaths(dir).state)) !== undefined;
  const { candidates: _candidates, validation: _validation, ...single } = request;
  return runOneShrink({
    ...single,
    seed: (request.seed ?? 1) + k - 1,
    outDir: dir,
    resume: started,
    retrainEpochs: 0,
    onPhase: (phase) => request.onPhase?.(`candidate ${k} of ${count}: ${phase}`),
  });
}

/**
 * Candidate `k`'s shrunk architecture trained from scratch `trainings` times (each from the fresh weights
 * its run saved, with a data order of its own) and scored on the validation data. Each training's score
 * is kept in the candidate's folder as it ends, so a resumed run (or one asking for more trainings)
 * trains only those missing.
 */
async function candidateScores(request: ShrinkRequest, k: number, count: number, epochs: number, trainings: number): Promise<number[]> {
  const file = path.join(candidateDir(request.outDir, k), 'validation.json');
  const kept = await readJson<KeptScores>(file);
  const scores = [...(kept?.scores ?? (kept === undefined ? [] : [kept.score]))];
  const evaluations = [...(kept?.evaluations ?? (kept?.evaluation === undefined ? [] : [kept.evaluation]))];
  for (let j = scores.length + 1; j <= trainings; j++) {
    const which = trainings === 1 ? '' : ` (training ${j} of ${trainings})`;
    request.onPhase?.(`candidate ${k} of ${count}: training its architecture from scratch to score it on the validation data${which}`);
    const model = await loadModelFile(path.join(candidateDir(request.outDir, k), 'model.json'));
    try {
      const result = await retrainFromScratch(model, shrinkRetraining(request, request.validation, epochs, SCORING_SEED_STEP * j + (request.seed ?? 1)));
      if (result.state === 'cancelled') throw new CancelledError(`interrupted while scoring candidate ${k}; rerun with \`--resume\` to continue from it`);
      scores.push(validationScore(result.evaluation));
      if (result.evaluation !== undefined) evaluations.push(result.evaluation);
    } finally {
      model.dispose();
    }
    await writeJsonAtomic(file, { score: mean(scores), scores, evaluations });
  }
  return scores.slice(0, trainings);
}

/**
 * Whether `runShrink` with `resume` can continue a run in `dir`: a run with candidates keeps each one's
 * progress in its own folder and starts those not begun; a single run needs an exported step.
 */
export async function canResumeShrink(dir: string, candidates = 1): Promise<boolean> {
  return candidates > 1 || (await lastExportedStep(dir)) !== undefined;
}

/**
 * Runs `request.candidates` shrink runs (seeds `seed`, `seed + 1`, …), scores each one's architecture on
 * `request.validation` after `candidateEpochs` of training from scratch, and writes the best one's
 * structure, model and report into `request.outDir` (retrained from scratch first when `retrainEpochs`
 * asks), the report listing every candidate. With one candidate it is a plain shrink run.
 */
export async function runShrink(request: ShrinkRequest): Promise<ShrinkReport> {
  const count = request.candidates ?? 1;
  if (!(Number.isInteger(count) && count >= 1)) throw new UsageError(`\`--candidates\` must be a whole number ≥ 1, got ${count}`);
  if (count === 1) return runOneShrink(request);
  if (request.validation === undefined) {
    throw new UsageError('`--candidates` chooses on validation data, and there is none: give `--validation-split` or `--validation-data`');
  }
  if (request.goal.kind === 'strength') throw new UsageError('`--candidates` needs a target (`--target-ratio` or `--target-ms`): with a fixed strength the candidates would not cost the same');
  const epochs = request.candidateEpochs ?? (request.retrainEpochs || 1);
  if (!(epochs > 0)) throw new UsageError(`\`--candidate-epochs\` must be > 0, got ${epochs}`);
  const trainings = request.candidateTrainings ?? 1;
  if (!(Number.isInteger(trainings) && trainings >= 1)) throw new UsageError(`\`--candidate-trainings\` must be a whole number ≥ 1, got ${trainings}`);
  if (request.resume !== true) await fs.rm(path.join(request.outDir, 'candidates'), { recursive: true, force: true });

  const runs: ShrinkReport[] = [];
  for (let k = 1; k <= count; k++) runs.push(await candidateRun(request, k, count));
  const trained: number[][] = [];
  for (let k = 1; k <= count; k++) trained.push(await candidateScores(request, k, count, epochs, trainings));
  const scores = trained.map(mean);
  const best = scores.reduce((b, s, i) => (s > (scores[b] ?? -Infinity) ? i : b), 0);
  const chosen = runs[best];
  if (chosen === undefined) throw new Error('no candidate');
  const bestDir = candidateDir(request.outDir, best + 1);

  const paths = shrinkPaths(request.outDir);
  await fs.rm(paths.learned, { recursive: true, force: true });
  await fs.cp(shrinkPaths(bestDir).learned, paths.learned, { recursive: true });
  await writeStructureFile(paths.structure, chosen.structure);
  const model = await loadModelFile(path.join(bestDir, 'model.json'));
  let evaluation: Evaluation | undefined;
  try {
    if ((request.retrainEpochs ?? 0) > 0) {
      request.onPhase?.('retraining the chosen architecture from scratch');
      const retrained = await retrainFromScratch(model, shrinkRetraining(request, request.test, request.retrainEpochs ?? 0, request.seed ?? 1));
      if (retrained.state === 'cancelled') throw new CancelledError('interrupted while retraining the chosen architecture; rerun with `--resume`');
      evaluation = retrained.evaluation;
    }
    await saveModelFiles(model, paths.model);
  } finally {
    model.dispose();
  }
  const candidates: ShrinkCandidate[] = runs.map((r, i) => ({
    seed: (request.seed ?? 1) + i,
    structure: r.structure,
    finalCost: r.finalCost,
    validationScore: scores[i] ?? Number.NaN,
    ...(trainings > 1 ? { validationScores: trained[i] ?? [] } : {}),
    chosen: i === best,
  }));
  const { accuracy: _accuracy, meanSquaredError: _mse, ...rest } = chosen;
  const report: ShrinkReport = {
    ...rest,
    ...heldOutFields(evaluation),
    candidates,
  };
  await writeReport(request.outDir, report);
  return report;
}
