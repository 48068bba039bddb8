// Debian's headless Chromium (never a downloaded browser) in a fresh
// profile, as every browser check of the conformance run starts it.
import { chromium } from 'playwright-core';

export function launch(profile) {
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
