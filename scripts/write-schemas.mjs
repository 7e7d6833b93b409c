// Writes schemas/prompt-cost.schema.json from the one definition in src/core/promptBudgets/schema.ts
// (compiled by `npm run compile-tests`); a unit test fails when the two differ.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { BUDGET_CONFIG_SCHEMA } = require('../out/src/core/promptBudgets/schema.js');
fs.writeFileSync(new URL('../schemas/prompt-cost.schema.json', import.meta.url), JSON.stringify(BUDGET_CONFIG_SCHEMA, null, 2) + '\n');
