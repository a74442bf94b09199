// Starts `sluice agent` in this process through the same entry function the
// CLI uses, with the command line's options. The tests bundle this file with
// esbuild and run it with node, until the lead wires the command into main.ts.
import { processIo } from '../../src/cli/cli-io.js';
import { runAgentCommand, type AgentCommandOptions } from '../../src/cli/commands/agent-command.js';

const options: AgentCommandOptions = {};
const args = process.argv.slice(2);
for (let index = 0; index < args.length; index += 2) {
  const name = args[index]!;
  const value = args[index + 1] ?? '';
  switch (name) {
    case '--url': options.url = value; break;
    case '--token': options.token = value; break;
    case '--name': options.name = value; break;
    case '--pool': options.pool = value; break;
    case '--work': options.work = value; break;
    case '--jobs': options.jobs = value; break;
    case '--heartbeat-interval': options.heartbeatInterval = value; break;
    case '--poll-wait': options.pollWait = value; break;
    case '--capability': (options.capability ??= []).push(value); break;
    default:
      process.stderr.write(`unknown option ${name}\n`);
      process.exit(2);
  }
}
process.exitCode = await runAgentCommand(options, processIo(), '0.0.0-test');
