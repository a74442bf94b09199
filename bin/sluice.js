#!/usr/bin/env node
// Entry point of the `sluice` command. `npm run build` bundles the CLI into
// dist/bundle so it starts without resolving hundreds of modules.
import { main } from '../dist/bundle/main.js';

process.exitCode = await main(process.argv.slice(2));
