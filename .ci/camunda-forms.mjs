// The clerk's forms in the real consumers: every `*.form` a build wrote
// (a Camunda Form per user task, linked from workflow.bpmn by its id)
// - is linked by `zeebe:formDefinition formId=… bindingType="deployment"`
//   from the workflow beside it, and every formId there has its form;
// - has 0 errors in @camunda/form-linting (the Modeler's rules for 8.6);
// - is rendered by @bpmn-io/form-js-viewer 1.10 (Camunda 8.6) in Chromium
//   with no warning and no error on the page; an empty submit is refused for
//   exactly the required decisions (Nebenbestimmungen may be none); filled
//   in by clicking and typing (yes, the first choice, the first
//   Nebenbestimmung, a sentence), it submits exactly the decisions, with
//   the types the gateways' conditions and the documents read (booleans,
//   codes of the list, lists of codes, text).
// Usage: node .ci/camunda-forms.mjs OUTPUT_DIR BUNDLES_DIR (the viewer and
// the linter bundled by esbuild, see .ci/run).
import { launch } from './chromium.mjs';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';

const root = resolve(process.argv[2] || 'output');
const bundles = resolve(process.argv[3]);
const { FormLinter } = createRequire(import.meta.url)(join(bundles, 'lint.cjs'));
const viewer = readFileSync(join(bundles, 'viewer.js'), 'utf8');

const forms = [];
const workflows = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.form')) forms.push(p);
    else if (name === 'workflow.bpmn') workflows.push(p);
  }
})(root);

let failures = 0;
const fail = (msg) => {
  failures++;
  console.error(msg);
};

// Links: each workflow's formIds and the forms beside it.
for (const w of workflows) {
  const xml = readFileSync(w, 'utf8');
  const linked = [...xml.matchAll(/formId="([^"]+)" bindingType="deployment"/g)].map((m) => m[1]).sort();
  const beside = readdirSync(dirname(w)).filter((n) => n.endsWith('.form')).map((n) => JSON.parse(readFileSync(join(dirname(w), n), 'utf8')).id).sort();
  if (JSON.stringify(linked) !== JSON.stringify(beside)) fail(`${relative(root, w)}: links ${linked} but has forms ${beside}`);
  if (xml.includes('externalReference')) fail(`${relative(root, w)}: a user task without a linked form`);
}

// The linter.
const linter = new FormLinter();
let warnings = 0;
for (const f of forms) {
  const schema = JSON.parse(readFileSync(f, 'utf8'));
  const reports = await linter.lint(schema);
  for (const r of reports) {
    if (r.category === 'error') fail(`${relative(root, f)}: form-linting: ${r.message} (${r.id})`);
    else warnings++;
  }
}

// The viewer, in Chromium. Forms of one content are rendered once.
const seen = new Set();
const userDataDir = mkdtempSync(join(tmpdir(), 'amt-forms-'));
const context = await launch(userDataDir);
let rendered = 0;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  for (const f of forms) {
    const text = readFileSync(f, 'utf8');
    if (seen.has(text)) continue;
    seen.add(text);
    const schema = JSON.parse(text);
    const name = relative(root, f);
    await page.setContent('<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Form</title></head><body><main id="form"></main></body></html>');
    await page.addScriptTag({ content: viewer });
    errors.length = 0;
    const decisions = schema.components.filter((c) => c.key);
    const empty = await page.evaluate(async (schema) => {
      window.form = new FormViewer.Form({ container: document.getElementById('form') });
      const { warnings } = await window.form.importSchema(schema, {});
      await new Promise((r) => setTimeout(r, 100));
      const { errors } = window.form.submit();
      return { warnings: warnings.map(String), errors: Object.keys(errors).sort() };
    }, schema);
    if (empty.warnings.length) fail(`${name}: the viewer warns: ${empty.warnings}`);
    const required = decisions.filter((c) => c.validate?.required).map((c) => c.id).sort();
    if (JSON.stringify(empty.errors) !== JSON.stringify(required)) {
      fail(`${name}: an empty submit is refused for ${empty.errors}, not for the decisions ${required}`);
    }
    // Fill in as a clerk does: yes to each question, the first choice of
    // each list, the first Nebenbestimmung, a sentence in each text.
    const expected = {};
    for (const c of decisions) {
      if (c.type === 'radio') {
        await page.click(`[id$="-${c.id}-0"]`);
        expected[c.key] = c.values[0].value;
      } else if (c.type === 'select') {
        await page.click(`.fjs-form-field-select:has([id$="-${c.id}"]) .fjs-input-group`);
        await page.click('.fjs-dropdownlist-item >> nth=0');
        expected[c.key] = c.values[0].value;
      } else if (c.type === 'checklist') {
        await page.click(`[id$="-${c.id}-0"]`);
        expected[c.key] = [c.values[0].value];
      } else if (c.type === 'textarea') {
        const sentence = `Text für ${c.key}.`;
        await page.fill(`textarea[id$="-${c.id}"]`, sentence);
        expected[c.key] = sentence;
      }
    }
    // form-js takes typed text into its data after a short debounce.
    await page.waitForTimeout(500);
    const filled = await page.evaluate(() => {
      const { data, errors } = window.form.submit();
      return { data, errors: Object.keys(errors) };
    });
    if (filled.errors.length) fail(`${name}: a filled form is refused: ${filled.errors}`);
    if (JSON.stringify(filled.data) !== JSON.stringify(expected)) {
      fail(`${name}: submits ${JSON.stringify(filled.data)}, not the decisions ${JSON.stringify(expected)}`);
    }
    if (errors.length) fail(`${name}: the page reported ${errors.join('; ')}`);
    rendered++;
  }
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log(`camunda forms: ${forms.length} forms of ${workflows.length} workflows linked; form-linting 0 errors (${warnings} warnings); ${rendered} distinct forms rendered, refused empty and submitted filled in Chromium; ${failures} failures`);
process.exit(failures || forms.length === 0 ? 1 : 0);
