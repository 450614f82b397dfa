// VS Code entry point for RASP: starts/stops `python -m rasp.lsp` over stdio with
// vscode-languageclient, owns the "RASP" output channel and the client-side commands.
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import {
  SETTING_KEYS, probeArgs, readSettings, resolvePythonCommand, serverArgs, startFailureMessage,
} from './config';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;
let queue: Promise<void> = Promise.resolve(); // serialises start/stop so restarts cannot interleave

function enqueue(op: () => Promise<void>): Promise<void> {
  queue = queue.then(op, op);
  return queue;
}

/** The slice of the Python extension's API used here; everything is optional because it is untrusted. */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(): unknown;
    resolveEnvironment(env: unknown): Promise<{ executable?: { uri?: { fsPath?: unknown } } } | undefined>;
  };
}

function currentSettings() {
  const section = vscode.workspace.getConfiguration('rasp');
  return readSettings(Object.fromEntries(SETTING_KEYS.map((key) => [key, section.get(key)])));
}

/** The interpreter selected in the Python extension (ms-python.python), if it is installed. */
async function pythonExtensionInterpreter(): Promise<string | undefined> {
  try {
    const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
    const envs = ext && (ext.isActive ? ext.exports : await ext.activate())?.environments;
    const env = await envs?.resolveEnvironment(envs.getActiveEnvironmentPath());
    const fsPath = env?.executable?.uri?.fsPath;
    return typeof fsPath === 'string' ? fsPath : undefined;
  } catch {
    return undefined;
  }
}

interface ProbeFailure { detail: string; interpreterMissing: boolean }

/** Checks that `python` can import the server module; resolves undefined on success. */
function probe(python: string): Promise<ProbeFailure | undefined> {
  return new Promise((resolve) => {
    execFile(python, probeArgs(), { timeout: 15000 }, (error, _stdout, stderr) => {
      if (!error) return resolve(undefined);
      const interpreterMissing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      resolve({ detail: stderr.trim() || error.message, interpreterMissing });
    });
  });
}

async function startClient(): Promise<void> {
  const out = output!;
  const settings = currentSettings();
  const python = resolvePythonCommand(settings, await pythonExtensionInterpreter());
  out.appendLine(`Starting RASP language server: ${python} ${serverArgs().join(' ')}`);

  const problem = await probe(python);
  if (problem !== undefined) {
    out.appendLine(problem.detail);
    // Not awaited: activation must not wait for the user to dismiss the message.
    const actions = ['Open Settings', 'Show Output'] as const;
    void vscode.window.showErrorMessage(startFailureMessage(python, problem.interpreterMissing), ...actions).then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'rasp.server.pythonPath');
      } else if (choice === 'Show Output') {
        out.show(true);
      }
    });
    return;
  }

  // No `transport` field: plain stdio, so the server is launched exactly as `python -m rasp.lsp`.
  const serverOptions: ServerOptions = { command: python, args: serverArgs() };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'rasp' }, { scheme: 'untitled', language: 'rasp' }],
    outputChannel: out,
    initializationOptions: settings,
    synchronize: { configurationSection: 'rasp' },
  };
  // The id 'rasp' makes the client honour the `rasp.trace.server` setting.
  client = new LanguageClient('rasp', 'RASP Language Server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    // The client already logged the details and notified the user; keep its state consistent.
    out.appendLine(`Language server failed during start-up: ${String(err)}`);
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  // A client whose start failed cannot be stopped (the library throws), so only stop running ones.
  if (running?.isRunning()) {
    await running.dispose().catch((err) => output?.appendLine(`Error stopping the server: ${String(err)}`));
  }
}

function notYetAvailable(name: string): () => void {
  return () => void vscode.window.showInformationMessage(`RASP: "${name}" is not available in this version yet.`);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('RASP');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('rasp.restartServer', () =>
      enqueue(async () => {
        await stopClient();
        await startClient();
      }),
    ),
    vscode.commands.registerCommand('rasp.showEvaluation', notYetAvailable('Show Evaluation')),
    vscode.commands.registerCommand('rasp.setExampleInput', notYetAvailable('Set Example Input')),
  );
  await enqueue(startClient);
}

export function deactivate(): Promise<void> {
  return enqueue(stopClient);
}
