/**
 * `morphlat report`: a device profile as pictures — its roofline with the profiled ops on it, and each
 * op's measured points against its fitted latency function — in SVG, PNG and one self-contained HTML page.
 * The charting libraries load only when this command runs.
 */
import path from 'node:path';
import { readProfile } from '../../profile/io.js';
import type { CommandSpec } from '../command.js';
import { stringArg } from '../command.js';

/** The default output folder of a profile's report: `<profile file name>-report` in the working folder. */
export function defaultReportDir(profileFile: string): string {
  return `${path.basename(profileFile).replace(/\.json$/, '')}-report`;
}

export const reportCommand: CommandSpec = {
  command: 'report',
  describe: 'draw a device profile: roofline and per-op measured points against the fitted latency functions (HTML)',
  options: {
    profile: { type: 'string', describe: 'device profile (JSON)', demandOption: true },
    out: { type: 'string', describe: 'output folder (default: <profile name>-report)' },
    png: { type: 'boolean', describe: 'write PNG pictures beside the SVGs (--no-png turns it off)', default: true },
  },
  examples: [['$0 report --profile device-profiles/amd-epyc-2c-wasm-resnet-mini.json --out out/wasm-report', 'draw the wasm profile of resnet-mini']],
  async run(args, io) {
    const file = stringArg(args, 'profile') ?? '';
    const profile = await readProfile(file);
    const out = stringArg(args, 'out') ?? defaultReportDir(file);
    const { writeProfileReport } = await import('../../report/profile-page.js');
    const { html, charts } = await writeProfileReport(out, profile, { file, png: args['png'] !== false });
    io.out(`wrote ${html} and ${charts.length} charts (${profile.ops.length} ops, roofline) for ${profile.name}`);
  },
};
