/** The table of zoo models by name. */
import { UsageError } from '../errors.js';
import { inceptionMini } from './inception-mini.js';
import { mobilenetMini } from './mobilenet-mini.js';
import { plainCnn } from './plain-cnn.js';
import { resnetMini } from './resnet-mini.js';
import type { ZooEntry } from './types.js';

/** Every zoo model, in the order `morphlat models` lists them. */
export const ZOO: readonly ZooEntry[] = [plainCnn, resnetMini, mobilenetMini, inceptionMini];

/** True when `name` is a zoo model. */
export function isZooModel(name: string): boolean {
  return ZOO.some((m) => m.name === name);
}

/** The zoo entry called `name`; UsageError listing the zoo when there is none. */
export function zooEntry(name: string): ZooEntry {
  const entry = ZOO.find((m) => m.name === name);
  if (entry === undefined) throw new UsageError(`no zoo model \`${name}\`; the zoo has ${ZOO.map((m) => m.name).join(', ')}`);
  return entry;
}
