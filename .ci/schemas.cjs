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
// The procedures of a build: each `<id>/`, and a procedure built only for
// municipalities at the first `<ARS>/<id>/` that has it, with the examples
// that name that municipality.
function builtProcedures(dir) {
  const top = fs.readdirSync(dir).sort();
  const list = top.filter((d) => fs.existsSync(path.join(dir, d, "schema.json"))).map((d) => ({ id: d, ars: null }));
  const seen = new Set(list.map((t) => t.id));
  for (const ars of top.filter((d) => /^[0-9]{12}$/.test(d))) {
    for (const id of fs.readdirSync(path.join(dir, ars)).sort()) {
      if (seen.has(id) || !fs.existsSync(path.join(dir, ars, id, "schema.json"))) continue;
      seen.add(id);
      list.push({ id: `${ars}/${id}`, ars });
    }
  }
  return list;
}

for (const target of builtProcedures(out)) {
  const id = target.id;
  const file = path.join(out, id, "schema.json");
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
  for (const ex of (model.examples || []).filter((e) => (e.municipality || null) === target.ars)) {
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
