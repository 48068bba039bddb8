// The forms with their script, in Chromium:
// 1. the script's semantics agree with amt's validator: for every example of
//    every procedure, the parts that apply, the computed values and the
//    failing rules are the same (`amt validate --format json`);
// 2. axe-core finds no violation in any state: each step, the error summary
//    after a failed "continue", and the review page;
// 3. filling a procedure through the browser produces JSON that amt's
//    validator and the procedure's JSON Schema (ajv) accept.
// Pages are served with `Content-Security-Policy: default-src 'self'`; any
// CSP violation or script error fails the run. Screenshots of each
// procedure's first step and of its error summary go to SCREENSHOTS
// (default .conformance/screenshots), to be looked at.
// Usage: node .ci/forms.mjs OUTPUT_DIR AMT_BINARY
import { launch } from './chromium.mjs';
import { builtProcedures, examplesOf } from './built.mjs';
import { AxeBuilder } from '@axe-core/playwright';
import { fill as fillForm } from './fill.mjs';
import { createServer } from 'node:http';
import { readFileSync, statSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, extname, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');
const root = resolve(process.argv[2] || 'output');
const shots = resolve(process.env.SCREENSHOTS || new URL('../.conformance/screenshots', import.meta.url).pathname);
mkdirSync(shots, { recursive: true });
const amtBin = resolve(process.argv[3] || 'target/release/amt');
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript' };
const posts = [];
const server = createServer((req, res) => {
  if (req.method === 'POST') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => { posts.push(Buffer.concat(chunks).toString('utf8')); res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('ok'); });
    return;
  }
  const path = join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  try {
    let body = readFileSync(statSync(path).isDirectory() ? join(path, 'index.html') : path);
    // `?prefilled`: as a portal serves the form after identification, the
    // first value of each locked prefilled list chosen.
    if (new URL(req.url, 'http://x').searchParams.has('prefilled')) {
      body = body.toString('utf8')
        .replace(/(<select[^>]*data-locked[^>]*>[\s\S]*?<option value=")([^"]+)(")/g, '$1$2$3 selected')
        .replace(/(<fieldset[^>]*data-locked[^>]*>[\s\S]*?<input type="radio"[^>]*)>/g, '$1 checked>');
    }
    res.writeHead(200, { 'Content-Type': types[extname(path)] || 'application/octet-stream', 'Content-Security-Policy': "default-src 'self'" });
    res.end(body);
  } catch { res.writeHead(404); res.end(); }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;
const work = mkdtempSync(join(tmpdir(), 'amt-forms-'));
const context = await launch(join(work, 'profile'));
let failures = 0;
const fail = (msg) => { failures++; console.error(msg); };
const stats = { compared: 0, states: 0, filled: 0, refused: 0 };
const page = context.pages()[0] ?? (await context.newPage());
page.on('pageerror', (e) => fail(`script error: ${e.message}`));
page.on('console', (m) => { if (/Content Security Policy|CSP/.test(m.text())) fail(`CSP: ${m.text()}`); });
// Two accessibility engines in every state: axe-core, and IBM Equal
// Access (its rule set finds what axe does not, e.g. content outside
// landmarks), its violations only (not what it asks a person to review).
const ace = readFileSync(require.resolve('accessibility-checker-engine/ace.js'), 'utf8');
const axe = async (what) => {
  stats.states++;
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  for (const v of r.violations) fail(`${what}: [${v.impact}] ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  // Evaluated through the DevTools protocol, as axe is: the page's CSP
  // does not apply to the checker.
  if (!(await page.evaluate(() => typeof window.ace !== 'undefined'))) await page.evaluate(`${ace};window.ace = ace;`);
  const found = await page.evaluate(async () => {
    const report = await new window.ace.Checker().check(document, ['IBM_Accessibility']);
    return report.results
      .filter((x) => x.value[0] === 'VIOLATION' && x.value[1] === 'FAIL')
      .map((x) => `${x.ruleId}: ${x.message} — ${x.path.dom}`);
  });
  stats.ace = (stats.ace || 0) + 1;
  for (const f of found) fail(`${what}: [IBM Equal Access] ${f}`);
};
const fill = (data) => fillForm(page, data);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);



for (const target of builtProcedures(root)) {
  const id = target.id;
  const modelFile = join(root, id, 'procedure.json');
  const model = JSON.parse(readFileSync(modelFile, 'utf8'));
  model.examples = examplesOf(model, target);
  await page.goto(`${base}${id}/index.html`, { waitUntil: 'load' });

  // 1. The script and amt's validator agree on every example.
  for (const ex of model.examples || []) {
    const file = join(work, 'data.json');
    writeFileSync(file, JSON.stringify(ex.data));
    const args = ['validate', modelFile, file, '--format', 'json'];
    if (ex.today) args.push('--today', ex.today);
    let out;
    try { out = execFileSync(amtBin, args, { encoding: 'utf8' }); } catch (e) { out = e.stdout; }
    const rust = JSON.parse(out);
    const rustRules = rust.problems.filter((p) => p.check === 'rule').map((p) => `${p.path}#${p.rule}#${p.severity}`).sort();
    const js = await page.evaluate(([d, t]) => window.amt.verdict(d, t), [ex.data, ex.today]);
    stats.compared++;
    const sorted = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (!same(sorted(js.visible), sorted(rust.visible))) {
      const keys = new Set([...Object.keys(js.visible), ...Object.keys(rust.visible)]);
      const diff = [...keys].filter((k) => js.visible[k] !== rust.visible[k]).map((k) => `${k}: js ${js.visible[k]}, amt ${rust.visible[k]}`);
      fail(`${id} › ${ex.name}: visibility differs: ${diff.slice(0, 6).join('; ')}`);
    }
    const numbersMatch = Object.keys({ ...js.computed, ...rust.computed }).every((k) => {
      const [a, b] = [js.computed[k], rust.computed[k]];
      return typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) < 1e-9 : same(a, b);
    });
    if (!numbersMatch) fail(`${id} › ${ex.name}: computed values differ: js ${JSON.stringify(js.computed)}, amt ${JSON.stringify(rust.computed)}`);
    if (!same(js.rules, rustRules)) fail(`${id} › ${ex.name}: failing rules differ: js ${js.rules}, amt ${rustRules}`);
  }

  // 2. Every step, and the error summary of the first, without violations.
  await page.goto(`${base}${id}/index.html`, { waitUntil: 'load' });
  for (const step of await page.evaluate(() => window.amt.steps())) {
    await page.evaluate((s) => window.amt.show(s), step);
    await axe(`${id} step ${step}`);
    // Every button of a step says what it does: no two share a name.
    const same = await page.evaluate(() => {
      const names = [...document.querySelectorAll('button')].filter((b) => b.checkVisibility()).map((b) => b.textContent.trim());
      return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
    });
    if (same.length) fail(`${id} step ${step}: buttons share a name: ${same.join('; ')}`);
  }
  // Every conditional part shown at once.
  await page.evaluate(() => {
    for (const s of document.querySelectorAll('.amt-step')) s.hidden = false;
    for (const e of document.querySelectorAll('.amt-step [hidden]')) e.hidden = false;
  });
  await axe(`${id} with every conditional part shown`);
  // At 400 % zoom (1280 px seen as 320 px) the form reflows: no sideways scrolling.
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 0) fail(`${id}: at 320 px the page scrolls sideways by ${overflow} px`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base}${id}/index.html`, { waitUntil: 'load' });
  await page.screenshot({ path: join(shots, `${id.replace('/', '-')}-1-first-step.png`), fullPage: true });
  await page.click('.amt-step:not([hidden]) .amt-nav .amt-button:not(.amt-secondary)');
  if (await page.locator('.amt-error-summary').count()) {
    await axe(`${id} error summary`);
    await page.screenshot({ path: join(shots, `${id.replace('/', '-')}-2-error-summary.png`), fullPage: true });
  } else fail(`${id}: continuing from an empty first step shows no error summary`);

  // The form refuses what amt refuses: every example that expects an error
  // (and needs no file), filled in, leaves the script with an error at each
  // place the example expects one, where a citizen can make that mistake
  // in the form (not answers to parts that do not apply, which the form
  // never sends).
  // The messages of group rules that read exactly one field of the group.
  const aboutOne = new Map();
  const groups = (items) => {
    for (const n of items || []) {
      if (n.kind !== 'group') continue;
      for (const r of n.rules || []) {
        const own = new Set();
        const refs = (e) => {
          if (!e || typeof e !== 'object') return;
          if (e.op === 'ref' && e.path.startsWith(`${n.path}.`) && !e.path.slice(n.path.length + 1).includes('.')) own.add(e.path);
          for (const v of Object.values(e)) refs(v);
        };
        refs(r.condition);
        const field = own.size === 1 ? (n.items || []).find((c) => c.path === [...own][0] && c.kind === 'field') : null;
        if (field && r.message) for (const t of Object.values(r.message)) aboutOne.set(t, field.id);
      }
      groups(n.items);
    }
  };
  for (const p of model.pages) groups(p.items);
  const bad = (model.examples || []).filter((e) => e.expect.some((x) => x.expect === 'error') && !Object.values(e.data).some((v) => Array.isArray(v) && v.length && typeof v[0] === 'object' && 'filename' in v[0]));
  for (const ex of bad) {
    const file = join(work, 'bad.json');
    writeFileSync(file, JSON.stringify(ex.data));
    const args = ['validate', modelFile, file, '--format', 'json'];
    if (ex.today) args.push('--today', ex.today);
    let out;
    try { out = execFileSync(amtBin, args, { encoding: 'utf8' }); } catch (e) { out = e.stdout; }
    const typeable = new Set(JSON.parse(out).problems
      .filter((p) => p.severity === 'error' && !['not_applicable', 'unknown'].includes(p.check))
      .map((p) => p.path));
    const expected = ex.expect.filter((x) => x.expect === 'error' && typeable.has(x.path)).map((x) => x.path);
    if (!expected.length) continue;
    await page.goto(`${base}${id}/index.html`, { waitUntil: 'load' });
    await fill(ex.data);
    const errors = await page.evaluate((today) => window.amt.check(null, today), ex.today || null);
    const names = new Set(errors.map((e) => e.name));
    const missed = expected.filter((path) => !names.has(path));
    if (missed.length) fail(`${id} › ${ex.name}: the form shows no error at ${missed.join(', ')} (it shows ${JSON.stringify(errors)})`);
    else stats.refused++;
    // A group's rule that reads exactly one of the group's fields is about
    // that field: its error links to that field's input.
    for (const e of errors) {
      const one = aboutOne.get(e.text);
      if (one && !(e.target || '').replace(/\[\d+\]/g, '').endsWith(`.${one}`) && e.target !== one) fail(`${id} › ${ex.name}: the error "${e.text}" is about ${one} but links to ${e.target}`);
    }
  }

  // A locked prefilled list keeps the delivered value: its other options
  // cannot be chosen.
  const locked = await page.evaluate(() => document.querySelectorAll('select[data-locked], fieldset[data-locked]').length);
  if (locked) {
    await page.goto(`${base}${id}/index.html?prefilled`, { waitUntil: 'load' });
    const states = await page.evaluate(() => [
      ...Array.from(document.querySelectorAll('select[data-locked]')).map((el) => ({
        name: el.name, value: el.value, offered: Array.from(el.options).filter((o) => !o.disabled).map((o) => o.value),
      })),
      ...Array.from(document.querySelectorAll('fieldset[data-locked]')).map((set) => {
        const buttons = Array.from(set.querySelectorAll('input[type=radio]'));
        return { name: set.id, value: (buttons.find((b) => b.checked) || { value: '' }).value, offered: buttons.filter((b) => !b.disabled).map((b) => b.value) };
      }),
    ]);
    for (const st of states) {
      if (st.value === '' || st.offered.length !== 1 || st.offered[0] !== st.value) fail(`${id}: the locked list ${st.name} offers ${JSON.stringify(st.offered)} besides the prefilled ${JSON.stringify(st.value)}`);
    }
    stats.locked = (stats.locked || 0) + states.length;
    await page.goto(`${base}${id}/index.html`, { waitUntil: 'load' });
  }

  // 3. Fill the first valid example through the form and submit it.
  const ex = (model.examples || []).find((e) => e.expect.some((x) => x.expect === 'valid') && !e.expect.some((x) => x.expect === 'error'));
  if (!ex) continue;
  await page.goto(`${base}${id}/index.html`, { waitUntil: 'load' });
  const files = await fill(ex.data);
  for (const [name, list] of files) {
    await page.setInputFiles(`[name="${name}"]`, list.map((f) => ({ name: f.filename, mimeType: f.media_type, buffer: Buffer.from('%PDF-1.4\n%%EOF\n') })));
  }
  for (let i = 0; i < 20 && !(await page.locator('#page--review:not([hidden])').count()); i++) {
    await page.click('.amt-step:not([hidden]) .amt-nav .amt-button:not(.amt-secondary)');
    const summary = page.locator('.amt-step:not([hidden]) .amt-error-summary');
    if (await summary.count()) { fail(`${id} › ${ex.name}: the form refuses the example: ${(await summary.innerText()).replace(/\s+/g, ' ')}`); break; }
  }
  if (!(await page.locator('#page--review:not([hidden])').count())) {
    fail(`${id} › ${ex.name}: the review page was not reached`);
    continue;
  }
  await axe(`${id} review page`);
  posts.length = 0;
  await Promise.all([page.waitForLoadState('load'), page.click('.amt-actions button[type="submit"]')]);
  await page.waitForTimeout(200);
  const body = posts[0] || '';
  const m = /name="amt_submission"\r\n\r\n([^\r]*)\r\n/.exec(body);
  if (!m) { fail(`${id}: no amt_submission in the POST`); continue; }
  const submitted = JSON.parse(m[1]);
  stats.filled++;
  const file = join(work, 'submitted.json');
  writeFileSync(file, JSON.stringify(submitted, null, 2));
  try {
    execFileSync(amtBin, ['validate', modelFile, file], { encoding: 'utf8' });
  } catch (e) {
    fail(`${id}: amt's validator rejects what the browser submitted:\n${e.stdout}\n${JSON.stringify(submitted)}`);
  }
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addKeyword('x-amt-checks');
  const validate = ajv.compile(JSON.parse(readFileSync(join(root, id, 'schema.json'), 'utf8')));
  if (!validate(submitted)) fail(`${id}: the schema rejects what the browser submitted: ${JSON.stringify(validate.errors.slice(0, 3))}`);
}
await context.close();
server.close();
rmSync(work, { recursive: true, force: true });
console.log(`forms: ${stats.compared} examples compared with amt's validator, ${stats.states} states checked with axe and ${stats.ace || 0} with IBM Equal Access, ${stats.filled} procedures filled and submitted, ${stats.refused} invalid examples refused, ${stats.locked || 0} locked lists kept, ${failures} failures`);
process.exit(failures === 0 && stats.filled > 0 && stats.refused > 0 ? 0 : 1);
