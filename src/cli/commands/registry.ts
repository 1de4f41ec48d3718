/** The table of `morphlat` commands, in the order `--help` lists them. */
import type { CommandSpec } from '../command.js';
import { compareCommand } from './compare.js';
import { costCommand } from './cost.js';
import { demoCommand } from './demo.js';
import { expandCommand } from './expand.js';
import { modelsCommand } from './models.js';
import { predictCommand } from './predict.js';
import { profileCommand } from './profile.js';
import { reportCommand } from './report.js';
import { shrinkCommand } from './shrink.js';
import { trainCommand } from './train.js';

export const COMMANDS: readonly CommandSpec[] = [
  demoCommand,
  modelsCommand,
  costCommand,
  profileCommand,
  predictCommand,
  trainCommand,
  shrinkCommand,
  expandCommand,
  compareCommand,
  reportCommand,
];
