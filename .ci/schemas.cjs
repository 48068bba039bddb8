// Conformance of the generated JSON Schemas with an independent validator:
// every output/*/schema.json compiles with ajv (draft 2020-12) in strict
// mode with ajv-formats, and every example submission that its author
// expects to be valid is accepted by it. Usage: node .ci/schemas.cjs OUTPUT_DIR
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");

const out = process.argv[2] || "output";
let failures = 0;
let schemas = 0;
let examples = 0;
for (const id of fs.readdirSync(out).sort()) {
  const file = path.join(out, id, "schema.json");
  if (!fs.existsSync(file)) continue;
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  // amt's documented extension keyword: what JSON Schema cannot say.
  ajv.addKeyword("x-amt-checks");
  let validate;
  try {
    validate = ajv.compile(JSON.parse(fs.readFileSync(file, "utf8")));
    schemas++;
  } catch (e) {
    console.error(`${file}: ajv (strict) rejects the schema: ${e.message}`);
    failures++;
    continue;
  }
  const model = JSON.parse(fs.readFileSync(path.join(out, id, "procedure.json"), "utf8"));
  for (const ex of model.examples || []) {
    const kinds = ex.expect.map((e) => e.expect);
    if (!kinds.includes("valid") || kinds.includes("error")) continue;
    examples++;
    if (!validate(ex.data)) {
      console.error(`${id} › ${ex.name}: valid by its author, rejected by ajv:`);
      console.error(JSON.stringify(validate.errors, null, 2));
      failures++;
    }
  }
}
if (schemas === 0) {
  console.error(`no schema.json found under ${out}`);
  process.exit(1);
}
console.log(`ajv: ${schemas} schemas compiled in strict mode, ${examples} valid examples accepted, ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
