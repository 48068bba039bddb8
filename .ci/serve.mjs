// `amt serve` in Chromium, as an author and an applicant use it, on a copy
// of forms/ in a temporary folder:
// 1. a form page reloads by itself when its source is saved, and shows the
//    change (the page's own script keeps working; no CSP violation);
// 2. without JavaScript, the form posted empty comes back from the server
//    (422) with the error summary at the top, linking to each field, and
//    the value entered kept; an example the validator refuses for a reason
//    the browser cannot see (a conditional part missing) comes back the
//    same way; a valid example, files included, is confirmed (200);
// 3. with JavaScript, a valid example sent as the script's JSON is
//    confirmed, and the confirmation gives way to the changed form when
//    the source is saved again;
// 4. the debug page lists every submission; the server's pages (refused,
//    confirmed, debug) pass axe-core (WCAG 2.1 AA) and, where Java is
//    there, the Nu HTML Checker.
// Usage: node .ci/serve.mjs AMT_BINARY (default target/debug/amt)
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { fill } from './fill.mjs';
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const amtBin = resolve(process.argv[2] || join(repo, 'target/debug/amt'));
const procedure = 'wohnsitzanmeldung';
const work = mkdtempSync(join(tmpdir(), 'amt-serve-ci-'));
cpSync(join(repo, 'forms'), join(work, 'forms'), { recursive: true });
const source = join(work, 'forms', `${procedure}.amt`);

let failures = 0;
const fail = (msg) => { failures++; console.error(`FAIL: ${msg}`); };
const stats = { reloaded: 0, refused: 0, confirmed: 0, axe: 0, vnu: 0 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The server; its builds go into the temporary folder too (TMPDIR).
let log = '';
const server = spawn(amtBin, ['serve', join(work, 'forms'), '--port', '0'], {
  env: { ...process.env, TMPDIR: work, NO_COLOR: '1' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.stderr.on('data', (d) => { log += d; });
const stop = () => { if (server.exitCode === null) server.kill(); };
process.on('exit', stop);
const base = await new Promise((done, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error(`amt serve printed no URL:\n${log}`)), 120000);
  server.stdout.on('data', (d) => {
    out += d;
    const m = /^amt serve: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
    if (m) { clearTimeout(timer); done(m[1]); }
  });
  server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`amt serve exited (${code}):\n${log}`)); });
});
const model = JSON.parse(await (await fetch(`${base}${procedure}/procedure.json`)).text());
const example = (name) => {
  const ex = model.examples.find((e) => e.name === name);
  if (!ex) throw new Error(`no example "${name}" in ${procedure}`);
  return ex.data;
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const watch = (page, what) => {
  page.on('pageerror', (e) => fail(`${what}: script error: ${e.message}`));
  page.on('console', (m) => { if (/Content Security Policy|CSP/.test(m.text())) fail(`${what}: CSP: ${m.text()}`); });
  page.on('dialog', (d) => { fail(`${what}: a dialog opened: ${d.message()}`); d.dismiss(); });
};

const setFiles = async (page, files) => {
  for (const [name, list] of files) {
    await page.setInputFiles(`[name="${name}"]`, list.map((f) => ({ name: f.filename, mimeType: f.media_type, buffer: Buffer.from('%PDF-1.4\n%%EOF\n') })));
  }
};
// Submits the form; the server's answer.
const submit = async (page) => {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 30000 }),
    page.click('.amt-actions button[type="submit"]'),
  ]);
  await page.waitForLoadState('load');
  return response;
};

// The server's pages, checked as the generated ones are: axe-core on the
// page (its scripts held back, as without JavaScript), served with the CSP.
const axeContext = await browser.newContext();
const axePage = await axeContext.newPage();
watch(axePage, 'axe');
await axePage.route(/\/(amt|reload)\.js$/, (r) => r.abort());
const pages = [];
const check = async (what, html) => {
  pages.push([what, html]);
  const url = `${base}${procedure}/__axe-${pages.length}.html`;
  await axePage.route(url, (r) => r.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', headers: { 'Content-Security-Policy': "default-src 'self'" }, body: html }));
  await axePage.goto(url, { waitUntil: 'load' });
  const r = await new AxeBuilder({ page: axePage }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  stats.axe++;
  for (const v of r.violations) fail(`${what}: [${v.impact}] ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
};

try {
  // 1. Live reload.
  const withJs = await browser.newContext();
  const page = await withJs.newPage();
  watch(page, 'live reload');
  await page.goto(`${base}${procedure}/`, { waitUntil: 'load' });
  const label = page.locator('label[for="f-einzug"]');
  if (!(await label.innerText()).startsWith('Tag des Einzugs')) fail(`unexpected label ${await label.innerText()}`);
  if ((await page.locator('script[src="/__amt/reload.js"]').count()) !== 1) fail('the page has no reload script');
  await page.evaluate(() => { window.amtServeBefore = true; });
  const text = readFileSync(source, 'utf8');
  if (!text.includes('"Tag des Einzugs" @en')) throw new Error('the label to change is not in the source');
  writeFileSync(source, text.replace('"Tag des Einzugs" @en', '"Tag des Einzugs (geändert)" @en'));
  const deadline = Date.now() + 30000;
  let shown = false;
  while (!shown && Date.now() < deadline) {
    try {
      const before = await page.evaluate(() => window.amtServeBefore === true);
      shown = !before && (await label.innerText({ timeout: 1000 })).includes('(geändert)');
    } catch { /* the page is reloading */ }
    if (!shown) await sleep(200);
  }
  if (shown) stats.reloaded++;
  else fail(`the page did not reload with the changed label within 30 s:\n${log}`);
  // The page's own script still runs after the reload: one step at a time.
  if (shown) await page.waitForLoadState('load');
  if (shown && (await page.locator('.amt-step:not([hidden])').count()) !== 1) fail('after the reload the form script does not run');

  // 2. Without JavaScript.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  watch(plain, 'without JavaScript');
  await plain.goto(`${base}${procedure}/`, { waitUntil: 'load' });
  if ((await plain.locator('.amt-step:not([hidden])').count()) < 2) fail('without JavaScript not every step is shown');
  await plain.fill('#f-adresse-ort', 'Berlin');
  // The browser's own checks stop an empty form; a browser without them
  // (or a hand-made post) sends it: they are switched off here.
  await plain.locator('form.amt-form').evaluate((f) => { f.noValidate = true; });
  let response = await submit(plain);
  if (response.status() !== 422) fail(`the empty form: HTTP ${response.status()}, not 422`);
  const summary = plain.locator('.amt-error-summary');
  if ((await summary.count()) !== 1) fail('the empty form: no error summary');
  else {
    if ((await summary.locator('h2').innerText()) !== 'Es gibt ein Problem') fail('the summary has no heading "Es gibt ein Problem"');
    const links = await summary.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
    if (links.length < 3) fail(`the summary has ${links.length} links`);
    for (const [href, t] of links) {
      const target = href && (await plain.locator(href).count()) === 1 ? await plain.locator(href).evaluate((e) => e.tagName) : null;
      if (!['INPUT', 'SELECT', 'TEXTAREA'].includes(target)) fail(`the summary's link "${t}" (${href}) goes to no field`);
    }
    if (!links.some(([href, t]) => href === '#f-einzug' && t.startsWith('Tag des Einzugs (geändert): '))) fail(`no link to the changed field: ${JSON.stringify(links)}`);
    const box = await summary.boundingBox();
    const h1 = await plain.locator('h1').boundingBox();
    if (!box || !h1 || box.y > h1.y) fail('the error summary is not at the top');
    await summary.locator('a').first().click();
    const hash = await plain.evaluate(() => location.hash);
    if (hash !== links[0][0]) fail(`following the first link leads to ${hash}, not ${links[0][0]}`);
    if ((await plain.locator('#f-einzug').getAttribute('aria-invalid')) !== 'true') fail('the field in error is not marked aria-invalid');
    if (!(await plain.locator('#f-einzug--error').count())) fail('the field in error has no message beside it');
    if ((await plain.inputValue('#f-adresse-ort')) !== 'Berlin') fail('the value entered is not kept');
    if (!(await plain.title()).startsWith('Fehler: ')) fail(`the title does not begin with "Fehler: ": ${await plain.title()}`);
    stats.refused++;
  }
  await check('the empty form refused', await response.text());

  // Refused for a reason the browser cannot check: a conditional part.
  await plain.goto(`${base}${procedure}/`, { waitUntil: 'load' });
  await setFiles(plain, await fill(plain, example('eine Hauptwohnung verlangt die weiteren Wohnungen')));
  const invalid = await plain.locator('form.amt-form').evaluate((f) => Array.from(f.elements).filter((e) => e.willValidate && !e.checkValidity()).map((e) => e.name));
  if (invalid.length) fail(`the browser stops the example: ${invalid.join(', ')}`);
  else {
    response = await submit(plain);
    const links = await plain.locator('.amt-error-summary a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
    if (response.status() !== 422 || !links.some(([href, t]) => href.startsWith('#f-weitere-0-') && t.startsWith('Weitere Wohnungen: '))) {
      fail(`the missing other dwellings: HTTP ${response.status()}, links ${JSON.stringify(links)}`);
    } else stats.refused++;
  }

  // A valid example, files included, without JavaScript.
  await plain.goto(`${base}${procedure}/`, { waitUntil: 'load' });
  await setFiles(plain, await fill(plain, example('eine Person zieht innerhalb Deutschlands um')));
  response = await submit(plain);
  const confirmed = await response.text();
  if (response.status() !== 200 || !(await plain.locator('h1').innerText()).includes('Antrag eingegangen')) {
    fail(`the valid example without JavaScript: HTTP ${response.status()}: ${(await plain.locator('main').innerText()).slice(0, 600)}`);
  } else {
    const json = JSON.parse(await plain.locator('pre code').innerText());
    if (json.adresse?.strasse !== 'Lindenstraße' || !json.wohnungsgeberbestaetigung?.[0]?.size) fail(`the confirmation shows ${JSON.stringify(json).slice(0, 300)}`);
    else stats.confirmed++;
  }
  await check('the confirmation', confirmed);

  // 3. With JavaScript: the same example, step by step, sent as JSON.
  await page.goto(`${base}${procedure}/`, { waitUntil: 'load' });
  await setFiles(page, await fill(page, example('eine Person zieht innerhalb Deutschlands um')));
  for (let i = 0; i < 20 && !(await page.locator('#page--review:not([hidden])').count()); i++) {
    await page.click('.amt-step:not([hidden]) .amt-nav .amt-button:not(.amt-secondary)');
  }
  response = await submit(page);
  if (response.status() !== 200 || !(await page.locator('h1').innerText()).includes('Antrag eingegangen')) {
    fail(`the valid example with JavaScript: HTTP ${response.status()}: ${(await page.locator('main').innerText()).slice(0, 600)}`);
  } else stats.confirmed++;
  // A page that answered a post is fetched anew on a change (a reload
  // would post again).
  writeFileSync(source, readFileSync(source, 'utf8').replace('"Tag des Einzugs (geändert)" @en', '"Tag des Einzugs (wieder geändert)" @en'));
  const until = Date.now() + 30000;
  let fetched = false;
  while (!fetched && Date.now() < until) {
    try { fetched = (await page.locator('label[for="f-einzug"]').innerText({ timeout: 1000 })).includes('(wieder geändert)'); } catch { /* loading */ }
    if (!fetched) await sleep(200);
  }
  if (fetched) stats.reloaded++;
  else fail('the confirmation did not give way to the changed form within 30 s');

  // 4. The debug page.
  await page.goto(`${base}__amt/submissions`, { waitUntil: 'load' });
  const entries = await page.locator('.amt-serve-submission h2').allInnerTexts();
  const expected = ['#4 wohnsitzanmeldung: valid', '#3 wohnsitzanmeldung: valid', '#2 wohnsitzanmeldung: invalid', '#1 wohnsitzanmeldung: invalid'];
  if (entries.length !== 4 || !expected.every((e, i) => entries[i].startsWith(e))) fail(`the debug page lists ${JSON.stringify(entries)}`);
  const sentAs = await page.locator('.amt-serve-submission dd').allInnerTexts();
  if (!sentAs.some((t) => t.includes('amt_submission')) || !sentAs.some((t) => t.includes('multipart/form-data'))) fail(`the debug page does not say how each came: ${JSON.stringify(sentAs)}`);
  await check('the debug page', await page.content());

  // The Nu HTML Checker on the server's pages, where Java is there.
  const vnu = join(here, 'node_modules/vnu-jar/build/dist/vnu.jar');
  let java = true;
  try { execFileSync('java', ['-version'], { stdio: 'ignore' }); } catch { java = false; }
  if (java && existsSync(vnu)) {
    const files = pages.map(([, html], i) => { const f = join(work, `page-${i}.html`); writeFileSync(f, html); return f; });
    try {
      execFileSync('java', ['-jar', vnu, '--errors-only', '--format', 'text', ...files], { encoding: 'utf8', stdio: 'pipe' });
      stats.vnu = files.length;
    } catch (e) {
      fail(`the Nu HTML Checker: ${e.stdout}${e.stderr}`);
    }
  } else console.log('serve: no Java or vnu.jar here: the Nu HTML Checker is skipped');
  if (/panicked/.test(log)) fail(`amt serve panicked:\n${log}`);
} catch (e) {
  fail(`${e.stack}\n${log}`);
} finally {
  await browser.close();
  stop();
  await sleep(200);
  rmSync(work, { recursive: true, force: true });
}
console.log(`serve: ${stats.reloaded} live reloads, ${stats.refused} posts refused with the error summary, ${stats.confirmed} confirmed, ${stats.axe} pages checked with axe, ${stats.vnu} with vnu, ${failures} failures`);
process.exit(failures === 0 && stats.reloaded === 2 && stats.refused === 2 && stats.confirmed === 2 ? 0 : 1);
