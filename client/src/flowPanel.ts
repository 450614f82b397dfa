// "RASP: Show Computation Flow": a webview panel beside the editor with the server's drawing
// (`rasp/computationFlow`) of an s-op's computation, layer by layer. It follows the document
// (re-requested 300 ms after the last change) and `rasp.*` settings; clicking a node selects its
// source in the editor, and the node the editor's cursor is in is highlighted. The logic is in
// the vscode-free modules flow.ts (ranges, offsets, messages) and flowView.ts (the page).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { NAME_PATTERN } from './commands';
import {
  Debouncer, InputChoice, NodeRange, ShowFlowTarget, ToWebview, codePointToUtf16, documentRanges, exampleChoices,
  flowMessage, flowPanelKey, flowPanelTitle, flowParams, mergeRanges, nodeAtSelection, parseShowFlowArgs,
  parseWebviewMessage, rechoose, svgRanges, uriFilePath, utf16ToCodePoint,
} from './flow';
import { flowHtml, makeNonce } from './flowView';
import { COMPUTATION_FLOW, ComputationFlowResult, RaspInput } from './protocol';

export const FLOW_VIEW_TYPE = 'rasp.computationFlow';
const DEBOUNCE_MS = 300;

/** What the panels need from the extension. */
export interface FlowHost {
  /** The running language client, after any restart in progress; undefined when there is none. */
  client(): Promise<LanguageClient | undefined>;
  log(line: string): void;
  /** Tells the user the server is not running (with its actions). */
  serverNotRunning(): void;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function currentChoices(): InputChoice[] {
  return exampleChoices(vscode.workspace.getConfiguration('rasp').get<unknown>('examples'));
}

class FlowPanel {
  readonly key: string;
  private ranges: NodeRange[] = [];
  /** The document version the ranges belong to. */
  private rangesVersion: number | undefined;
  private active: number | undefined;
  private lastFlow: ToWebview | undefined;
  private lastNote: string | undefined;
  private choices: InputChoice[] = currentChoices();
  private chosen: RaspInput | undefined; // undefined: the running example
  private running: RaspInput | undefined;
  private sequence = 0;
  private disposed = false;
  readonly debouncer = new Debouncer(() => void this.refresh(), DEBOUNCE_MS);

  constructor(
    readonly target: ShowFlowTarget,
    readonly panel: vscode.WebviewPanel,
    private sourceColumn: vscode.ViewColumn | undefined,
    private readonly host: FlowHost,
    onDispose: () => void,
  ) {
    this.key = flowPanelKey(target);
    panel.webview.html = flowHtml({ nonce: makeNonce(), cspSource: panel.webview.cspSource, title: flowPanelTitle(target.name) });
    panel.webview.onDidReceiveMessage((raw) => this.receive(raw));
    panel.onDidDispose(() => {
      this.disposed = true;
      this.debouncer.dispose();
      onDispose();
    });
  }

  get uri(): string {
    return this.target.uri;
  }

  /** Draws an answer already fetched (the first one, fetched before the panel was opened). */
  show(answer: ComputationFlowResult, document: vscode.TextDocument | undefined, version: number | undefined): void {
    this.apply(answer, document, version);
  }

  private post(message: ToWebview): void {
    if (this.disposed) return; // an answer that arrives after the panel was closed
    void this.panel.webview.postMessage(message);
  }

  private note(text: string): void {
    this.lastNote = text;
    this.post({ type: 'note', text });
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (message === undefined) return;
    switch (message.type) {
      case 'ready': // the page (re)loaded: draw what we have
        if (this.lastFlow !== undefined) this.post({ ...this.lastFlow, active: this.active ?? null } as ToWebview);
        if (this.lastNote !== undefined) this.post({ type: 'note', text: this.lastNote });
        break;
      case 'reveal':
        void this.reveal(message.start, message.end);
        break;
      case 'input':
        this.chosen = message.index >= 0 ? this.choices[message.index]?.input : undefined;
        void this.refresh();
        break;
    }
  }

  private document(): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.uri);
  }

  private editor(): vscode.TextEditor | undefined {
    const editors = vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === this.uri);
    return editors.find((e) => e.viewColumn === this.sourceColumn) ?? editors[0];
  }

  /** Selects the range `start..end` (code points) of the source in its editor. */
  private async reveal(start: number, end: number): Promise<void> {
    try {
      const document = this.document() ?? await vscode.workspace.openTextDocument(vscode.Uri.parse(this.uri));
      const text = document.getText();
      const range = new vscode.Range(document.positionAt(codePointToUtf16(text, start)), document.positionAt(codePointToUtf16(text, end)));
      const column = this.editor()?.viewColumn ?? this.sourceColumn ?? vscode.ViewColumn.One;
      const editor = await vscode.window.showTextDocument(document, { viewColumn: column, selection: new vscode.Selection(range.start, range.end), preserveFocus: false });
      this.sourceColumn = editor.viewColumn ?? column;
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (err) {
      this.host.log(`computation flow: cannot show the source of a node: ${errorText(err)}`);
    }
  }

  /** The node the editor's selection is in, if the ranges are those of the document's text. */
  private nodeAt(editor: vscode.TextEditor | undefined): number | undefined {
    if (editor === undefined || editor.document.version !== this.rangesVersion) return undefined;
    const text = editor.document.getText();
    const selection = editor.selection;
    const at = (p: vscode.Position) => utf16ToCodePoint(text, editor.document.offsetAt(p));
    return nodeAtSelection(this.ranges, text, at(selection.start), at(selection.end));
  }

  /** The editor's selection moved. */
  follow(editor: vscode.TextEditor): void {
    const id = this.nodeAt(editor);
    if (id === this.active) return;
    this.active = id;
    this.post({ type: 'highlight', id: id ?? null });
  }

  /** `rasp.examples` changed: the menu changes; the chosen input stays chosen if still there. */
  examplesChanged(): void {
    this.choices = currentChoices();
    if (rechoose(this.choices, this.chosen) < 0) this.chosen = undefined;
    void this.refresh();
  }

  /** Requests the flow again and draws it. Older answers than the latest request are dropped. */
  async refresh(): Promise<void> {
    const sequence = ++this.sequence;
    const client = await this.host.client();
    if (sequence !== this.sequence) return;
    if (client === undefined) {
      this.note('The RASP language server is not running; see the "RASP" output.');
      return;
    }
    const document = this.document();
    const version = document?.version;
    let answer: ComputationFlowResult | null;
    try {
      answer = await client.sendRequest<ComputationFlowResult | null>(COMPUTATION_FLOW, flowParams(this.target, this.chosen));
    } catch (err) {
      if (sequence === this.sequence) this.note(`The server could not draw ${this.target.name}: ${errorText(err)}`);
      return;
    }
    if (sequence !== this.sequence) return;
    if (answer === null || answer === undefined || typeof answer.svg !== 'string' || answer.flow === undefined) {
      this.note(document === undefined
        ? `The document is closed; open it to update the flow of ${this.target.name}.`
        : `No flow for ${this.target.name} now: it is not an s-op defined in this file (check the problems), or the input is too long. The last drawing is kept.`);
      return;
    }
    this.apply(answer, document, version);
  }

  private apply(answer: ComputationFlowResult, document: vscode.TextDocument | undefined, version: number | undefined): void {
    const files = [uriFilePath(this.uri), document?.uri.scheme === 'file' ? document.uri.fsPath : undefined];
    this.ranges = mergeRanges(svgRanges(answer.svg), documentRanges(answer.flow, files));
    this.rangesVersion = version;
    if (this.chosen === undefined) this.running = answer.flow.input;
    const chosen = rechoose(this.choices, this.chosen);
    this.active = this.nodeAt(this.editor());
    this.lastFlow = flowMessage(answer.flow, answer.svg, this.ranges, this.choices, chosen, this.running, this.active);
    this.lastNote = undefined;
    this.post(this.lastFlow);
  }
}

/** The open flow panels, one per document and s-op, and the events they follow. */
export class FlowPanels implements vscode.Disposable {
  private readonly panels = new Map<string, FlowPanel>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly host: FlowHost) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length === 0) return;
        for (const panel of this.of(event.document.uri)) panel.debouncer.trigger();
      }),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        for (const panel of this.of(event.textEditor.document.uri)) panel.follow(event.textEditor);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('rasp.examples')) {
          for (const panel of this.panels.values()) panel.examplesChanged();
        } else if (event.affectsConfiguration('rasp.evaluation')) {
          for (const panel of this.panels.values()) panel.debouncer.trigger();
        }
      }),
      vscode.workspace.onDidOpenTextDocument((document) => {
        for (const panel of this.of(document.uri)) panel.debouncer.trigger();
      }),
    ];
  }

  private of(uri: vscode.Uri): FlowPanel[] {
    const key = uri.toString();
    return [...this.panels.values()].filter((p) => p.uri === key);
  }

  /** The command: from a code lens (`[uri, name]`) or the palette (the name under the cursor). */
  async show(args: unknown[]): Promise<void> {
    const target = parseShowFlowArgs(args) ?? this.targetAtCursor();
    if (target === undefined) return;
    const existing = this.panels.get(flowPanelKey(target));
    if (existing !== undefined) {
      existing.panel.reveal(undefined, true);
      void existing.refresh();
      return;
    }
    const client = await this.host.client();
    if (client === undefined) {
      this.host.serverNotRunning();
      return;
    }
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.uri);
    const version = document?.version;
    let answer: ComputationFlowResult | null;
    try {
      answer = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `RASP: computation flow of ${target.name}` },
        () => client.sendRequest<ComputationFlowResult | null>(COMPUTATION_FLOW, flowParams(target)),
      );
    } catch (err) {
      this.host.log(`rasp/computationFlow ${target.name} failed: ${errorText(err)}`);
      void vscode.window.showErrorMessage(`RASP: could not draw the computation flow of ${target.name}: ${errorText(err)}`);
      return;
    }
    if (answer === null || answer === undefined || typeof answer.svg !== 'string') {
      void vscode.window.showInformationMessage(`RASP: no computation flow for "${target.name}": it is not an s-op defined in this file, or it cannot be evaluated on the running example.`);
      return;
    }
    const again = this.panels.get(flowPanelKey(target)); // opened meanwhile by another click
    if (again !== undefined) {
      again.panel.reveal(undefined, true);
      again.show(answer, document, version);
      return;
    }
    const sourceColumn = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.uri)?.viewColumn
      ?? vscode.window.activeTextEditor?.viewColumn;
    const panel = vscode.window.createWebviewPanel(
      FLOW_VIEW_TYPE,
      flowPanelTitle(target.name),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [], enableFindWidget: true },
    );
    const flowPanel = new FlowPanel(target, panel, sourceColumn, this.host, () => this.panels.delete(flowPanelKey(target)));
    this.panels.set(flowPanel.key, flowPanel);
    flowPanel.show(answer, document, version);
  }

  private targetAtCursor(): ShowFlowTarget | undefined {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined || editor.document.languageId !== 'rasp') {
      void vscode.window.showInformationMessage('RASP: open a RASP file and put the cursor on an s-op to show its computation flow.');
      return undefined;
    }
    const range = editor.document.getWordRangeAtPosition(editor.selection.active, NAME_PATTERN);
    if (range === undefined) {
      void vscode.window.showInformationMessage('RASP: put the cursor on the name of an s-op to show its computation flow.');
      return undefined;
    }
    return { uri: editor.document.uri.toString(), name: editor.document.getText(range) };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const panel of [...this.panels.values()]) panel.panel.dispose();
    this.panels.clear();
  }
}
