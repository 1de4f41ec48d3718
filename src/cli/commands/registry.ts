/** The table of `morphlat` commands, in the order `--help` lists them. */
import type { CommandSpec } from '../command.js';
import { costCommand } from './cost.js';
import { demoCommand } from './demo.js';
import { modelsCommand } from './models.js';
import { predictCommand } from './predict.js';
import { profileCommand } from './profile.js';

export const COMMANDS: readonly CommandSpec[] = [demoCommand, modelsCommand, costCommand, profileCommand, predictCommand];
