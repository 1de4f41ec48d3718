/** The shrunk model itself: the shrunk topology built into a fresh tfjs-layers model. */
import * as tfl from '@tensorflow/tfjs-layers';
import type { Structure } from '../../graph/alive.js';
import type { PruneReport } from './shrunk-topology.js';
import { shrunkTopology } from './shrunk-topology.js';

/** Builds the shrunk architecture of `structure` with fresh weights, and says what was removed. */
export async function buildShrunkModel(model: tfl.LayersModel, structure: Structure): Promise<{ model: tfl.LayersModel; report: PruneReport }> {
  const { topology, report } = shrunkTopology(model, structure);
  return { model: await tfl.models.modelFromJSON({ modelTopology: topology } as never), report };
}
