// The documents the examples expect (`amt test --documents DIR --pdf`), as a
// citizen reads them on screen: each HTML opened in Debian's headless
// Chromium, checked with axe-core (WCAG 2.1 A/AA and best practices: 0
// violations), and kept as a full-page screenshot beside it (`.png`), the
// record of what each Bescheid looks like.
// Usage: node .ci/documents.mjs DIR
import { launch } from './chromium.mjs';
import { AxeBuilder } from '@axe-core/playwright';
import { readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';

const root = resolve(process.argv[2]);
const pages = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.html')) pages.push(p);
  }
})(root);

const userDataDir = mkdtempSync(join(tmpdir(), 'amt-documents-'));
const context = await launch(userDataDir);
let violations = 0;
let errors = 0;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
  const messages = [];
  page.on('pageerror', (e) => messages.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') messages.push(m.text()); });
  for (const p of pages) {
    messages.length = 0;
    await page.goto(pathToFileURL(p).href, { waitUntil: 'load' });
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
      .analyze();
    for (const v of results.violations) {
      violations++;
      console.error(`${relative(root, p)}: [${v.impact}] ${v.id}: ${v.help}`);
      for (const n of v.nodes.slice(0, 5)) console.error(`    ${n.target.join(' ')}`);
    }
    for (const m of messages) {
      errors++;
      console.error(`${relative(root, p)}: ${m}`);
    }
    await page.screenshot({ path: p.replace(/\.html$/, '.png'), fullPage: true });
  }
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log(`documents: ${pages.length} in axe, ${violations} violations, ${errors} page errors; a screenshot of each beside it in ${root}`);
process.exit(violations === 0 && errors === 0 && pages.length > 0 ? 0 : 1);
