/**
 * A shrink run: train the model with MorphNet's regularizer for a cost target added to the loss, its
 * strength driven to the target cost; export the learned structure as it settles; snap the widths to
 * the device; build the shrunk architecture fresh and, if asked, retrain it from scratch.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { networkCost } from '../costs/network.js';
import { CancelledError, StructureError, UsageError } from '../errors.js';
import type { Structure } from '../graph/alive.js';
import { fullStructure } from '../graph/alive.js';
import { buildGraph } from '../graph/build.js';
import type { OpGraph } from '../graph/types.js';
import { loadModelFile, saveModelFiles } from '../graph/model-file.js';
import { writeStructureFile } from '../graph/structure-file.js';
import { NetworkRegularizer } from '../morph/network-regularizer.js';
import { GammaProximal } from '../morph/proximal.js';
import { buildShrunkModel } from '../morph/structure/rebuild.js';
import { cheapestStructure } from '../morph/structure/floor.js';
import { isBuildable } from '../morph/structure/shrunk-topology.js';
import { batchesPerPass, continuingSource } from '../train/data/source.js';
import type { Evaluation } from '../train/evaluate.js';
import { objectiveFor } from '../train/fits.js';
import { makeOptimizer, train } from '../train/train.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { deriveSeed } from '../util/random.js';
import { heldOutFields, lastExportedStep, shrinkPaths, writeAlive, writeReport } from './files.js';
import { retrainFromScratch, shrinkRetraining } from './retrain.js';
import { StrengthController } from './strength.js';
import { deviceWidths } from './widths.js';
import { DEFAULT_MIN_WIDTH_RATIO } from './types.js';
import type { ShrinkGoal, ShrinkReport, ShrinkRequest } from './types.js';

interface CheckpointState {
  readonly step: number;
  readonly strength: { strength: number; lastCost: number | null };
  readonly settled: number;
  readonly lastStructure: string;
  /** The structure to keep so far (see `best`), and the last one a model can be built at. */
  readonly best?: { structure: Structure; cost: number };
  readonly lastBuildable?: Structure;
}

/** The cost a ratio or cost goal asks for, its setting checked. */
function goalCost(goal: Exclude<ShrinkGoal, { kind: 'strength' }>, initialCost: number): number {
  if (goal.kind === 'ratio' && !(goal.ratio > 0 && goal.ratio < 1)) throw new UsageError(`\`--target-ratio\` must be in (0, 1), got ${goal.ratio}`);
  const cost = goal.kind === 'ratio' ? goal.ratio * initialCost : goal.cost;
  if (!(cost > 0)) throw new UsageError(`the target cost must be > 0, got ${cost}`);
  return cost;
}

/**
 * Checks the goal: a strength ≥ 0, a ratio in (0, 1), a cost > 0, and no cost below the cheapest
 * structure the model can shrink to (the strength would grow without bound chasing it).
 */
function checkGoal(request: ShrinkRequest, graph: OpGraph, initialCost: number): void {
  const g = request.goal;
  if (g.kind === 'strength') {
    if (!(g.strength >= 0)) throw new UsageError(`\`--strength\` must be ≥ 0, got ${g.strength}`);
    return;
  }
  const cost = goalCost(g, initialCost);
  const floor = cheapestStructure(request.model, graph, request.target).cost;
  if (!(cost < floor)) return;
  const unit = request.target.unit;
  const asked = g.kind === 'ratio' ? `\`--target-ratio ${g.ratio}\` asks for ${cost.toPrecision(4)} ${unit}, which` : `the target of ${cost.toPrecision(4)} ${unit}`;
  throw new UsageError(
    `${asked} is below ${floor.toPrecision(4)} ${unit}, the least this model's ${request.target.name} can shrink to (every channel group at one channel, or removed where the model allows); no strength reaches it`,
  );
}

/** The strength controller of a goal already checked by `checkGoal`. */
function costGoal(request: ShrinkRequest, initialCost: number, initialStrength: number): StrengthController {
  const g = request.goal;
  if (g.kind === 'strength') return new StrengthController({ kind: 'fixed', strength: g.strength });
  return new StrengthController({ kind: 'cost', cost: goalCost(g, initialCost) }, initialStrength);
}

/**
 * The strength at which an unopposed proximal step would take a gamma of 1 to 0 in half the shrinking
 * steps, for a channel of average marginal cost: a start that does not depend on the cost's unit.
 */
function proximalStartStrength(regularizer: NetworkRegularizer, initialCost: number, learningRate: number, totalSteps: number): number {
  const marginal = regularizer
    .groupStates()
    .filter((s) => regularizer.groups[s.group]?.fixed === null)
    .flatMap((s) => s.marginalCost);
  const mean = marginal.reduce((a, b) => a + b, 0) / Math.max(1, marginal.length);
  if (!(mean > 0)) return 1;
  return (0.5 * initialCost) / (learningRate * mean * Math.max(1, totalSteps));
}

function aliveChannels(structure: Structure): number {
  return Object.values(structure).reduce((a, b) => a + b, 0);
}

/** Runs MorphNet shrinking once and writes its files into `request.outDir`; returns the report (`candidates` is not read here). */
export async function runOneShrink(request: ShrinkRequest): Promise<ShrinkReport> {
  const paths = shrinkPaths(request.outDir);
  const seedGraph = buildGraph(request.model);
  const initialCost = networkCost(seedGraph, request.target).total;
  checkGoal(request, seedGraph, initialCost);
  const batchSize = request.batchSize ?? 32;
  const objective = objectiveFor(request.model, request.train, request.loss, 'shrink');
  if (request.steps !== undefined && request.epochs !== undefined) throw new UsageError('give `--steps` or `--epochs`, not both');
  const stepsPerEpoch = request.steps === undefined ? await batchesPerPass(request.train, batchSize) : 0;
  if (!Number.isFinite(stepsPerEpoch)) throw new UsageError(`${request.train.description} never ends, so it has no epochs; give \`--steps\``);
  const totalSteps = request.steps ?? (request.epochs ?? 1) * stepsPerEpoch;
  const loss = request.loss === undefined ? {} : { loss: request.loss };
  const checkEvery = request.checkEvery ?? Math.max(1, Math.min(25, Math.round(totalSteps / 20)));
  const seed = request.seed ?? 1;
  const minWidthRatio = request.minWidthRatio ?? DEFAULT_MIN_WIDTH_RATIO;

  const optimizerName = request.optimizer ?? 'sgd';
  const learningRate = request.learningRate ?? (optimizerName === 'sgd' ? 0.02 : 0.001);
  let model: tfl.LayersModel = request.model;
  let restored: CheckpointState | undefined;
  let step = 0;
  let settled = 0;
  let lastStructure = '';
  if (request.resume === true) {
    const exported = await lastExportedStep(request.outDir);
    const state = JSON.parse(await fs.readFile(paths.state, 'utf8').catch(() => 'null')) as CheckpointState | null;
    if (exported === undefined || state === null) throw new UsageError(`nothing to resume in ${request.outDir}: no exported step`);
    model = await loadModelFile(path.join(paths.checkpoint, 'model.json'));
    step = state.step;
    settled = state.settled;
    lastStructure = state.lastStructure;
    restored = state;
  }

  const regularizer = new NetworkRegularizer(model, request.target, {
    ...(request.threshold === undefined ? {} : { threshold: request.threshold }),
    removalCost: request.removalCost !== false,
    minWidthRatio,
  });
  const optimizer = makeOptimizer(optimizerName, learningRate);
  const proximal = new GammaProximal(model, regularizer);
  const controller = costGoal(request, initialCost, proximal.covers ? proximalStartStrength(regularizer, initialCost, learningRate, totalSteps) : 1);
  if (restored !== undefined) controller.restore(restored.strength);
  const termValue = (): number => tf.tidy(() => regularizer.term().dataSync()[0] ?? 0);
  let regularization = (controller.strength / initialCost) * termValue();
  const channels = aliveChannels(fullStructure(seedGraph));
  let alive = aliveChannels(regularizer.aliveStructure());
  let cost = regularizer.cost();
  let stoppedBecause: ShrinkReport['stoppedBecause'] = 'steps done';
  const shrinkingData = continuingSource(request.train);
  let best: { structure: Structure; cost: number } | undefined = restored?.best;
  let lastBuildable: Structure | undefined = restored?.lastBuildable;
  request.onPhase?.('shrinking');
  try {
    while (step < totalSteps) {
      const chunk = Math.min(checkEvery, totalSteps - step);
      const scale = controller.strength / initialCost;
      const done = step;
      const result = await train(model, shrinkingData, {
        steps: chunk,
        optimizer,
        batchSize,
        seed: deriveSeed(seed, done),
        ...loss,
        ...(proximal.covers ? {} : { extraLoss: () => tf.mul(regularizer.term(), scale) }),
        ...(request.signal === undefined ? {} : { signal: request.signal }),
        onStep: (info) => {
          if (proximal.covers) proximal.step(learningRate * scale);
          request.onProgress?.({
            step: done + info.step,
            totalSteps,
            loss: proximal.covers ? info.loss + regularization : info.loss,
            regularizer: proximal.covers ? regularization : info.loss - info.dataLoss,
            cost,
            unit: request.target.unit,
            alive,
            channels,
            imagesPerSecond: info.imagesPerSecond,
          });
        },
      });
      step += result.steps;
      const structure = regularizer.aliveStructure();
      cost = regularizer.cost();
      alive = aliveChannels(structure);
      const key = JSON.stringify(structure);
      settled = key === lastStructure ? settled + 1 : 0;
      lastStructure = key;
      const usable = isBuildable(request.model, structure);
      if (usable) lastBuildable = structure;
      if (usable && controller.met(cost) && (best === undefined || cost > best.cost)) best = { structure, cost };
      if (usable) controller.update(cost, Math.ceil((totalSteps - step) / checkEvery));
      else controller.backOff();
      proximal.refresh();
      regularization = (controller.strength / initialCost) * termValue();
      await writeAlive(request.outDir, step, structure);
      await saveModelFiles(model, paths.checkpoint);
      const state: CheckpointState = {
        step,
        strength: controller.snapshot(),
        settled,
        lastStructure,
        ...(best === undefined ? {} : { best }),
        ...(lastBuildable === undefined ? {} : { lastBuildable }),
      };
      await writeJsonAtomic(paths.state, state);
      if (result.state === 'cancelled') throw new CancelledError(`interrupted at step ${step}; rerun with \`--resume\` to continue from it`);
      if (usable && controller.met(cost) && settled >= 1) {
        stoppedBecause = 'target met and settled';
        break;
      }
    }
  } finally {
    optimizer.dispose();
    proximal.dispose();
  }

  const final = regularizer.aliveStructure();
  regularizer.dispose();
  const learned = best?.structure ?? (isBuildable(request.model, final) ? final : lastBuildable);
  if (learned === undefined) {
    throw new StructureError(`structure: every channel on the way to an output died by step ${step}; lower the strength or the target, or shrink for more steps`);
  }
  const goalCost = controller.goal.kind === 'cost' ? controller.goal.cost : undefined;
  const fillGoal = request.fill !== false && best !== undefined ? goalCost : undefined;
  const { structure, fill, snaps, restored: restoredGroups, raised, grown } = deviceWidths(seedGraph, learned, { ...request, minWidthRatio }, fillGoal);
  await writeStructureFile(paths.structure, structure);
  request.onPhase?.('building the shrunk model');
  const { model: shrunk, report: pruned } = await buildShrunkModel(request.model, structure);
  await saveModelFiles(shrunk, paths.model);
  const finalCost = networkCost(buildGraph(shrunk), request.target).total;

  let evaluation: Evaluation | undefined;
  if ((request.retrainEpochs ?? 0) > 0) {
    request.onPhase?.('retraining the shrunk model from scratch');
    const retrained = await retrainFromScratch(shrunk, shrinkRetraining({ ...request, batchSize }, request.test, request.retrainEpochs ?? 0, seed));
    if (retrained.state === 'cancelled') throw new CancelledError('interrupted while retraining; the shrunk model (untrained) is saved');
    await saveModelFiles(shrunk, paths.model);
    evaluation = retrained.evaluation;
  }
  shrunk.dispose();

  const report: ShrinkReport = {
    target: request.target.name,
    unit: request.target.unit,
    initialCost,
    finalCost,
    steps: step,
    structure,
    loss: objective.name,
    ...heldOutFields(evaluation),
    seedStructure: fullStructure(seedGraph),
    learnedStructure: learned,
    strength: controller.strength,
    removalCost: request.removalCost !== false,
    minWidthRatio,
    raised,
    restored: restoredGroups,
    ...(fill === undefined ? {} : { fill }),
    snaps,
    grown,
    removed: pruned.removed,
    stoppedBecause,
  };
  await writeReport(request.outDir, report);
  return report;
}
