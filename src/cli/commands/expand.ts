/**
 * `morphlat expand`: MorphNet's expansion step: one width multiplier over a learned structure, the
 * largest whose cost meets a target (a share of the seed's cost, a latency in ms, or the seed's own
 * cost); writes the expanded structure and its model.
 */
import path from 'node:path';
import { expand } from '../../api/expand.js';
import type { ExpansionGoal } from '../../api/types.js';
import { UsageError } from '../../errors.js';
import { useQuietBackend } from '../backend.js';
import type { CommandSpec } from '../command.js';
import { stringArg } from '../command.js';
import { costTargetOption } from '../targets.js';

/** `--to` as the library's goal: `seed`, a ratio (`0.8`), or milliseconds (`2.5ms`, with a target in ms). */
export function expansionGoal(to: string, unit: string): ExpansionGoal {
  if (to === 'seed') return 'seed';
  const ms = /^(\d+(?:\.\d+)?)ms$/.exec(to);
  if (ms !== null) {
    if (unit !== 'ms') throw new UsageError(`\`--to ${to}\` is a latency, but the target is in ${unit}`);
    return { ms: Number(ms[1]) };
  }
  const ratio = Number(to);
  if (!(ratio > 0)) throw new UsageError(`\`--to\` must be \`seed\`, a ratio such as 0.8, or a latency such as 2.5ms; got \`${to}\``);
  return { ratio };
}

export const expandCommand: CommandSpec = {
  command: 'expand',
  describe: 'expand a learned structure by one width multiplier to meet a cost',
  options: {
    model: { type: 'string', describe: 'the seed: zoo model name or model.json path', demandOption: true },
    structure: { type: 'string', describe: 'the learned structure (structure.json or alive_<step>.json)', demandOption: true },
    target: { type: 'string', describe: 'flops | size | memory | roofline:<HW> | latency', default: 'flops' },
    profile: { type: 'string', describe: 'device profile, for --target latency' },
    to: { type: 'string', describe: '`seed` (the seed\'s cost), a ratio of it (0.8) or a latency (2.5ms)', default: 'seed' },
    out: { type: 'string', describe: 'output folder', demandOption: true },
  },
  async run(args, io) {
    await useQuietBackend();
    const target = await costTargetOption(stringArg(args, 'target') ?? 'flops', stringArg(args, 'profile'));
    const out = stringArg(args, 'out') ?? '';
    const expanded = await expand({
      model: stringArg(args, 'model') ?? '',
      structure: stringArg(args, 'structure') ?? '',
      target,
      to: expansionGoal(stringArg(args, 'to') ?? 'seed', target.unit),
      outDir: out,
    });
    io.out(`multiplier ${expanded.multiplier.toFixed(4)}: ${target.name} ${expanded.cost.toPrecision(4)} ${target.unit} (goal ${expanded.goal.toPrecision(4)}, seed ${expanded.seedCost.toPrecision(4)})`);
    io.out(`wrote ${path.join(out, 'structure.json')} and ${path.join(out, 'model.json')}`);
    const past = expanded.extrapolated;
    if (past.length > 0) {
      const shown = [...past.filter((p) => p.ownsChannels), ...past.filter((p) => !p.ownsChannels)].slice(0, 4).map(
        (p) => `${p.name} ${p.aliveIn}→${p.aliveOut} (measured up to ${p.maxIn}→${p.maxOut})`,
      );
      io.err(
        `note: ${past.length} layer${past.length === 1 ? '' : 's'} run past the channel counts the profile measured, so their latency is extrapolated: ${shown.join(', ')}${past.length > shown.length ? ', …' : ''}`,
      );
    }
  },
};
