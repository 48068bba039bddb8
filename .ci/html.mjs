// Accessibility and CSP of every generated HTML page: each page is served
// with `Content-Security-Policy: default-src 'self'` from a local server,
// opened in Debian's headless Chromium, checked with axe-core (WCAG 2.1 A/AA
// and best practices: 0 violations) and watched for CSP violations (0).
// Usage: node .ci/html.mjs OUTPUT_DIR
import { launch } from './chromium.mjs';
import { AxeBuilder } from '@axe-core/playwright';
import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { join, extname, relative, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const root = resolve(process.argv[2] || 'output');
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json' };
const csp = "default-src 'self'";
const server = createServer((req, res) => {
  const path = join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!path.startsWith(root)) { res.writeHead(403); res.end(); return; }
  try {
    const body = readFileSync(statSync(path).isDirectory() ? join(path, 'index.html') : path);
    res.writeHead(200, { 'Content-Type': types[extname(path)] || 'application/octet-stream', 'Content-Security-Policy': csp });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

const pages = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.html')) pages.push(relative(root, p));
  }
})(root);

const userDataDir = mkdtempSync(join(tmpdir(), 'amt-chromium-'));
const context = await launch(userDataDir);
let violations = 0;
let cspViolations = 0;
let dialogsOpened = 0;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const messages = [];
  let dialogs = 0;
  page.on('console', (m) => messages.push(m.text()));
  // An author's string that runs as script would open a dialog.
  page.on('dialog', async (d) => {
    dialogs++;
    console.error(`a dialog opened: ${d.message()}`);
    await d.dismiss();
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  for (const p of pages) {
    messages.length = 0;
    await page.goto(base + p, { waitUntil: 'load' });
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
      .analyze();
    for (const v of results.violations) {
      violations++;
      console.error(`${p}: [${v.impact}] ${v.id}: ${v.help}`);
      for (const n of v.nodes.slice(0, 5)) console.error(`    ${n.target.join(' ')}`);
    }
    dialogsOpened += dialogs;
    dialogs = 0;
    for (const m of messages.filter((m) => /CSP violation|Content Security Policy/.test(m))) {
      cspViolations++;
      console.error(`${p}: ${m}`);
    }
  }
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
  server.close();
}
console.log(`axe: ${pages.length} pages, ${violations} violations; CSP: ${cspViolations} violations; dialogs: ${dialogsOpened}`);
process.exit(violations === 0 && cspViolations === 0 && dialogsOpened === 0 && pages.length > 0 ? 0 : 1);
