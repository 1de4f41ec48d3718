// Entry point of the bundled CLI (scripts/device-run/bundle.sh).
import { main } from '../../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
