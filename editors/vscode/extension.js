// Starts `amt lsp` (the amt language server, over stdio) for .amt files.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

async function start() {
  const command = vscode.workspace.getConfiguration('amt').get('server.path') || 'amt';
  // No `transport`: the client then talks over stdin/stdout and adds no
  // `--stdio` argument (amt takes none besides `lsp`).
  const serverOptions = { command, args: ['lsp'] };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'amt' }],
    // Files changed outside the editor (git, another program) are checked again.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.amt') },
  };
  client = new LanguageClient('amt', 'amt language server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    vscode.window.showErrorMessage(
      `Could not start the amt language server (\`${command} lsp\`): ${err && err.message ? err.message : err}. ` +
        'Install amt (`cargo install --path .` in the amt repository) so that it is on PATH, or set `amt.server.path`.'
    );
  }
}

async function stop() {
  if (!client) return;
  const running = client;
  client = undefined;
  try {
    await running.stop();
  } catch {
    // It did not start, or has already exited.
  }
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('amt.server.path')) {
        await stop();
        await start();
      }
    })
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
