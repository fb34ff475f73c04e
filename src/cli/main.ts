#!/usr/bin/env node
import { Command } from 'commander';
import { registerPasses } from './commands/passes-command.js';
import { registerPlan } from './commands/plan-command.js';
import { registerConstellation } from './commands/constellation-command.js';
import { registerServe } from './commands/serve-command.js';
import { registerRegistryCommands } from './commands/registry-commands.js';
import { registerGatewayCommands } from './commands/gateway-commands.js';
import { registerBench } from './commands/bench-command.js';
import { registerFrame } from './commands/frame-command.js';
import { registerDecode } from './commands/decode-command.js';
import { registerSimulate } from './commands/simulate-command.js';
import { registerDemo } from './commands/demo-command.js';
import { registerAudit } from './commands/audit-command.js';
import { registerRegistrationCommands } from './commands/registration-commands.js';
import { registerClusterCommands } from './commands/cluster-commands.js';
import { registerLearnCommands } from './commands/learn-commands.js';

const program = new Command()
  .name('satiot')
  .description(
    'satiot — satellite IoT service platform: network core and API, provisioning, and planning of passes, ' +
      'coverage and store-and-forward latency',
  )
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .configureOutput({ outputError: (s, write) => write(s.replace(/^error: /, 'error INVALID_ARGUMENT: ')) })
  .exitOverride((err) => {
    // Usage errors (unknown flag, missing option) exit 2 like every other INVALID_ARGUMENT.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
      process.exit(0);
    process.exit(2);
  });

registerPasses(program);
registerPlan(program);
registerConstellation(program);
registerServe(program);
registerRegistryCommands(program);
registerGatewayCommands(program);
registerBench(program);
registerFrame(program);
registerDecode(program);
registerSimulate(program);
registerDemo(program);
registerAudit(program);
registerRegistrationCommands(program);
registerClusterCommands(program);
registerLearnCommands(program);

await program.parseAsync(process.argv);
