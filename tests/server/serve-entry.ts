// Starts `sluice serve` in a child process for the process tests, until the
// lead wires the command into bin/sluice.js. Arguments: data folder, listen address.
import { processIo } from '../../src/cli/cli-io.js';
import { runServeCommand } from '../../src/cli/commands/serve-command.js';

const [data, listen] = process.argv.slice(2);
process.exitCode = await runServeCommand({ data, listen, logLevel: 'info' }, processIo());
