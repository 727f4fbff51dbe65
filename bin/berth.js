#!/usr/bin/env node
// berth's command entry: the compiled CLI (npm run build).
import '../dist/src/cli/main.js';
