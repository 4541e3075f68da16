// Sums Jest's JSON reports (and failures found outside Jest) into the closing line CI reads:
// "N passed, N failed" (", N skipped" when any were skipped). Every report named must exist: a missing one
// (a phase that never ran) counts as a failure.
import { readFileSync } from "node:fs";

const [extraFailed = "0", ...reports] = process.argv.slice(2);
let passed = 0;
let failed = Number(extraFailed);
let skipped = 0;
for (const file of reports) {
  try {
    const report = JSON.parse(readFileSync(file, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
    skipped += report.numPendingTests + report.numTodoTests;
  } catch {
    console.error(`test-summary: no readable report ${file}`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exitCode = failed > 0 ? 1 : 0;
