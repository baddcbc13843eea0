#!/usr/bin/env node
// Command-line entry: the bundled command line in dist/cli runs on import.
import '../dist/cli/index.js';
