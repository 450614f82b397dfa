// VS Code entry point for RASP: starts/stops `python -m rasp.lsp` over stdio with
// vscode-languageclient, owns the "RASP" output channel and the client-side commands.
// The logic lives in vscode-free modules (config, python, commands, render, flow, flowView) that
// are unit-tested; flowPanel.ts holds the computation-flow webview.
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import {
  EVALUATION_SCHEME, NAME_PATTERN, ShowEvaluationTarget, evaluateParams, evaluationViewAddress, examplesBase,
  parseShowEvaluationArgs, prependExample, validateExampleInput,
} from './commands';
import { SETTING_KEYS, probeArgs, readSettings, serverArgs, startFailureMessage } from './config';
import { FlowPanels } from './flowPanel';
import { EVALUATE, EvaluateResult, SHOW_COMPUTATION_FLOW_COMMAND, SHOW_EVALUATION_COMMAND } from './protocol';
import { PYTHON_EXTENSION_ID, choosePython, describeChoice } from './python';
import { renderEvaluation } from './render';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;
let queue: Promise<void> = Promise.resolve(); // serialises start/stop so restarts cannot interleave

function enqueue(op: () => Promise<void>): Promise<void> {
  queue = queue.then(op, op);
  return queue;
}

function currentSettings() {
  const section = vscode.workspace.getConfiguration('rasp');
  return readSettings(Object.fromEntries(SETTING_KEYS.map((key) => [key, section.get(key)])));
}

/** The Python extension's API (activated if needed), or undefined when it is not installed. */
async function pythonExtensionApi(): Promise<unknown> {
  const ext = vscode.extensions.getExtension(PYTHON_EXTENSION_ID);
  if (ext === undefined) return undefined;
  return ext.isActive ? ext.exports : await ext.activate();
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
  const choice = await choosePython(settings, pythonExtensionApi);
  const python = choice.command;
  out.appendLine(describeChoice(choice));
  out.appendLine(`Starting RASP language server: ${python} ${serverArgs().join(' ')}`);

  const problem = await probe(python);
  if (problem !== undefined) {
    out.appendLine(problem.detail);
    // Not awaited: activation must not wait for the user to dismiss the message.
    const actions = ['Open Settings', 'Show Output'] as const;
    void vscode.window.showErrorMessage(startFailureMessage(python, problem.interpreterMissing), ...actions).then((picked) => {
      if (picked === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'rasp.server.pythonPath');
      } else if (picked === 'Show Output') {
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

function restartServer(): Promise<void> {
  return enqueue(async () => {
    await stopClient();
    await startClient();
  });
}

// ---- RASP: Show Evaluation ------------------------------------------------------------------

/** The read-only documents of the evaluation views, by URI. */
class EvaluationViews implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  forget(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}

/** The running client, once a restart in progress has finished; undefined if there is none. */
async function runningClient(): Promise<LanguageClient | undefined> {
  await queue.catch(() => undefined); // a restart in progress finishes first
  const running = client;
  return running !== undefined && running.isRunning() ? running : undefined;
}

function serverNotRunning(): void {
  void vscode.window.showErrorMessage('RASP: the language server is not running; see the "RASP" output.', 'Restart Server', 'Show Output').then((picked) => {
    if (picked === 'Restart Server') void restartServer();
    else if (picked === 'Show Output') output?.show(true);
  });
}

/** The target from a code lens's arguments, else the name under the cursor in a RASP editor. */
function evaluationTarget(args: unknown[]): ShowEvaluationTarget | undefined {
  const fromLens = parseShowEvaluationArgs(args);
  if (fromLens !== undefined) return fromLens;
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.document.languageId !== 'rasp') {
    void vscode.window.showInformationMessage('RASP: open a RASP file and put the cursor on a name to show its evaluation.');
    return undefined;
  }
  const range = editor.document.getWordRangeAtPosition(editor.selection.active, NAME_PATTERN);
  if (range === undefined) {
    void vscode.window.showInformationMessage('RASP: put the cursor on a name (an s-op, a selector or a value) to show its evaluation.');
    return undefined;
  }
  return { uri: editor.document.uri.toString(), name: editor.document.getText(range) };
}

async function showEvaluation(views: EvaluationViews, args: unknown[]): Promise<void> {
  const target = evaluationTarget(args);
  if (target === undefined) return;
  const running = await runningClient();
  if (running === undefined) {
    serverNotRunning();
    return;
  }
  let answer: EvaluateResult | null;
  try {
    answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `RASP: evaluating ${target.name}` },
      () => running.sendRequest<EvaluateResult | null>(EVALUATE, evaluateParams(target)),
    );
  } catch (err) {
    output?.appendLine(`rasp/evaluate ${target.name} failed: ${String(err)}`);
    void vscode.window.showErrorMessage(`RASP: could not evaluate ${target.name}: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  const source = vscode.Uri.parse(target.uri);
  const text = renderEvaluation(answer, { name: target.name, source: vscode.workspace.asRelativePath(source) });
  const uri = vscode.Uri.from(evaluationViewAddress(target.uri, target.name));
  views.set(uri, text);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
}

// ---- RASP: Set Example Input -----------------------------------------------------------------

async function setExampleInput(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const selected = editor && editor.document.languageId === 'rasp' && !editor.selection.isEmpty
    ? editor.document.getText(editor.selection).trim()
    : '';
  const input = await vscode.window.showInputBox({
    title: 'RASP: Set Example Input',
    prompt: 'A sample input for every s-op and selector: a string ("hello", or a bare word) or a list ([1, 2, 3]). It is added in front of rasp.examples.',
    placeHolder: '"hello"   or   [1, 2, 3]',
    value: selected.includes('\n') ? '' : selected,
    ignoreFocusOut: true,
    validateInput: validateExampleInput,
  });
  if (input === undefined) return; // cancelled
  const config = vscode.workspace.getConfiguration('rasp');
  const hasWorkspace = (vscode.workspace.workspaceFolders?.length ?? 0) > 0 || vscode.workspace.workspaceFile !== undefined;
  const target = hasWorkspace ? 'workspace' : 'global';
  const base = examplesBase(target, config.inspect<unknown>('examples'), config.get<unknown>('examples'));
  const examples = prependExample(base, input);
  try {
    await config.update('examples', examples, hasWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  } catch (err) {
    void vscode.window.showErrorMessage(`RASP: could not update rasp.examples: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  vscode.window.setStatusBarMessage(`RASP: sample input ${examples[0]} added to rasp.examples (${target} settings)`, 5000);
}

// ---- activation -----------------------------------------------------------------------------

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('RASP');
  const views = new EvaluationViews();
  const flows = new FlowPanels({
    client: runningClient,
    log: (line) => output?.appendLine(line),
    serverNotRunning,
  });
  context.subscriptions.push(
    output,
    views,
    flows,
    vscode.workspace.registerTextDocumentContentProvider(EVALUATION_SCHEME, views),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === EVALUATION_SCHEME) views.forget(doc.uri);
    }),
    vscode.commands.registerCommand('rasp.restartServer', restartServer),
    vscode.commands.registerCommand(SHOW_EVALUATION_COMMAND, (...args: unknown[]) => showEvaluation(views, args)),
    vscode.commands.registerCommand('rasp.setExampleInput', setExampleInput),
    vscode.commands.registerCommand(SHOW_COMPUTATION_FLOW_COMMAND, (...args: unknown[]) => flows.show(args)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // Another interpreter needs another server process; other settings reach the running
      // server through workspace/didChangeConfiguration.
      if (event.affectsConfiguration('rasp.server.pythonPath')) void restartServer();
    }),
  );
  await enqueue(startClient);
}

export function deactivate(): Promise<void> {
  return enqueue(stopClient);
}
