// A smoke test of the bundled client (client/out/extension.js) without VS Code: `vscode` is a
// hand-written stub (anything it does not define is an inert proxy, enough for the language
// client's classes to load). The interpreter is one that does not exist, so no server starts;
// the assertions stay shallow: the commands are registered, a start failure gives the one
// actionable message, "Set Example Input" writes rasp.examples, "Show Evaluation" and "Show
// Computation Flow" without a server say so, and a change of rasp.server.pythonPath restarts.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { inRoot } from './paths';

/** Something that can be called, constructed, extended and read from, and does nothing. */
function inert(): any {
  const target = function () { /* inert */ };
  return new Proxy(target, {
    get: (t, key) => (key === 'prototype' ? t.prototype : key === Symbol.toPrimitive ? () => '' : inert()),
    apply: () => inert(),
    construct: () => inert(),
  });
}

/** A stub object whose missing members are inert. */
function withFallback<T extends object>(known: T): T {
  return new Proxy(known, { get: (t, key) => (key in t ? (t as any)[key] : inert()) });
}

const log: string[] = [];
const errors: string[] = [];
const infos: string[] = [];
const commands = new Map<string, (...args: unknown[]) => unknown>();
const providers = new Map<string, unknown>();
const updates: Array<{ key: string; value: unknown; target: unknown }> = [];
const configListeners: Array<(e: { affectsConfiguration(s: string): boolean }) => void> = [];
let inputAnswer: string | undefined;
const settings: Record<string, unknown> = {
  'server.pythonPath': '/nonexistent/rasp-test/python',
  examples: ['"abc"'],
};

class EventEmitter<T> {
  private listeners: Array<(e: T) => void> = [];
  event = (listener: (e: T) => void) => {
    this.listeners.push(listener);
    return { dispose: () => undefined };
  };
  fire(e: T) { for (const l of this.listeners) l(e); }
  dispose() { this.listeners = []; }
}

const disposable = { dispose: () => undefined };

const vscodeStub = withFallback({
  EventEmitter,
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ViewColumn: { Beside: -2, Active: -1, One: 1 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  Uri: withFallback({ parse: (s: string) => ({ toString: () => s, scheme: s.split(':')[0] }) }),
  window: withFallback({
    createOutputChannel: () => withFallback({ appendLine: (l: string) => log.push(l), show: () => undefined, dispose: () => undefined }),
    showErrorMessage: (message: string) => { errors.push(message); return Promise.resolve(undefined); },
    showInformationMessage: (message: string) => { infos.push(message); return Promise.resolve(undefined); },
    showInputBox: async (options: { validateInput?: (v: string) => unknown }) => {
      if (inputAnswer !== undefined) assert.equal(options.validateInput?.(inputAnswer), undefined, 'the answer is valid');
      return inputAnswer;
    },
    setStatusBarMessage: () => disposable,
    activeTextEditor: undefined,
  }),
  workspace: withFallback({
    workspaceFolders: [{ uri: { fsPath: '/w' }, name: 'w', index: 0 }],
    workspaceFile: undefined,
    getConfiguration: (section: string) => {
      assert.equal(section, 'rasp');
      return {
        get: (key: string) => settings[key],
        inspect: (key: string) => ({ key: `rasp.${key}`, workspaceValue: settings[key] }),
        update: async (key: string, value: unknown, target: unknown) => {
          updates.push({ key, value, target });
          settings[key] = value;
        },
      };
    },
    registerTextDocumentContentProvider: (scheme: string, provider: unknown) => { providers.set(scheme, provider); return disposable; },
    onDidCloseTextDocument: () => disposable,
    onDidChangeConfiguration: (listener: (e: { affectsConfiguration(s: string): boolean }) => void) => {
      configListeners.push(listener);
      return disposable;
    },
  }),
  extensions: withFallback({ getExtension: () => undefined }),
  commands: withFallback({
    registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => { commands.set(id, fn); return disposable; },
    executeCommand: async () => undefined,
  }),
});

const until = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(condition(), `timed out waiting for ${what}`);
};

describe('the bundled client, on a stubbed vscode', () => {
  let extension: { activate(context: unknown): Promise<void>; deactivate(): Promise<void> };
  const context = { subscriptions: [] as unknown[] };

  before(async () => {
    const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = loader._load;
    loader._load = function (request: string, ...rest: unknown[]) {
      return request === 'vscode' ? vscodeStub : load.call(this, request, ...rest);
    };
    try {
      extension = require(inRoot('client', 'out', 'extension.js'));
    } finally {
      loader._load = load;
    }
    await extension.activate(context);
  });

  test('registers the four commands and the evaluation view scheme', () => {
    assert.deepEqual([...commands.keys()].sort(),
      ['rasp.restartServer', 'rasp.setExampleInput', 'rasp.showComputationFlow', 'rasp.showEvaluation']);
    assert.ok(providers.has('rasp-evaluation'));
    assert.ok(context.subscriptions.length >= 6);
  });

  test('a missing interpreter gives one actionable error and is logged', async () => {
    await until(() => errors.length === 1, 'the start-up error');
    assert.match(errors[0], /"\/nonexistent\/rasp-test\/python" was not found/);
    assert.ok(log.some((l) => l.includes('from the setting rasp.server.pythonPath')), log.join('\n'));
    assert.ok(log.some((l) => l.startsWith('Starting RASP language server: /nonexistent/rasp-test/python -m rasp.lsp')), log.join('\n'));
  });

  test('Set Example Input prepends to the workspace rasp.examples', async () => {
    inputAnswer = '[1, 2, 3]';
    await commands.get('rasp.setExampleInput')!();
    assert.deepEqual(updates.at(-1), { key: 'examples', value: ['[1, 2, 3]', '"abc"'], target: 2 });
    inputAnswer = undefined; // cancelled: nothing written
    await commands.get('rasp.setExampleInput')!();
    assert.equal(updates.length, 1);
  });

  test('Show Evaluation without a running server says so', async () => {
    const before = errors.length;
    await commands.get('rasp.showEvaluation')!('file:///w/a.rasp', 'reverse', 10);
    assert.equal(errors.length, before + 1);
    assert.match(errors.at(-1)!, /language server is not running/);
    await commands.get('rasp.showEvaluation')!(); // from the palette, no RASP editor
    assert.match(infos.at(-1)!, /open a RASP file/);
  });

  test('Show Computation Flow without a running server says so', async () => {
    const before = errors.length;
    await commands.get('rasp.showComputationFlow')!('file:///w/a.rasp', 'reverse');
    assert.equal(errors.length, before + 1);
    assert.match(errors.at(-1)!, /language server is not running/);
    await commands.get('rasp.showComputationFlow')!(); // from the palette, no RASP editor
    assert.match(infos.at(-1)!, /open a RASP file and put the cursor on an s-op/);
  });

  test('changing rasp.server.pythonPath restarts the server', async () => {
    const before = errors.length;
    for (const l of configListeners) l({ affectsConfiguration: (s) => s === 'rasp.examples' });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(errors.length, before, 'other settings do not restart');
    for (const l of configListeners) l({ affectsConfiguration: (s) => s === 'rasp.server.pythonPath' || s === 'rasp' });
    await until(() => errors.length === before + 1, 'the restart');
  });

  test('deactivate settles', async () => {
    await extension.deactivate();
  });
});
