// The pure part of "RASP: Show Computation Flow": the command's arguments, the
// `rasp/computationFlow` parameters, source ranges of the flow's nodes (code-point offsets, as
// the server counts them) and their conversion to and from the editor's UTF-16 offsets, which
// node the cursor is in, the sample inputs to choose from, and the messages exchanged with the
// webview. No `vscode` import, so it is unit-tested.
import type { ComputationFlow, ComputationFlowParams, FlowNode, RaspInput } from './protocol';
import { isName } from './commands';
import { costLine, formatLiteral } from './render';

export interface ShowFlowTarget {
  uri: string;
  name: string;
}

/**
 * The target of `rasp.showComputationFlow` from its arguments: the code lens sends
 * `[uri, name]` (server/rasp/lsp/server.py, code_lens). Anything else (the palette sends
 * nothing) gives undefined, and the caller falls back to the name under the cursor.
 */
export function parseShowFlowArgs(args: readonly unknown[]): ShowFlowTarget | undefined {
  const [uri, name] = args;
  if (typeof uri !== 'string' || uri === '' || typeof name !== 'string' || !isName(name)) return undefined;
  return { uri, name };
}

/** The `rasp/computationFlow` parameters; no input means the running example. */
export function flowParams(target: ShowFlowTarget, input?: RaspInput): ComputationFlowParams {
  const params: ComputationFlowParams = { textDocument: { uri: target.uri }, name: target.name };
  if (input !== undefined) params.input = input;
  return params;
}

/** The key of a flow panel: one panel per document and name. */
export function flowPanelKey(target: ShowFlowTarget): string {
  return `${target.uri}#${target.name}`;
}

/** The title of a flow panel's tab. */
export function flowPanelTitle(name: string): string {
  return `${name} (computation flow)`;
}

// ---- offsets ----------------------------------------------------------------------------------

const hasSurrogates = (text: string): boolean => /[\uD800-\uDFFF]/.test(text);

/**
 * The UTF-16 offset (what `TextDocument.positionAt` takes) of code point `cp` of `text`,
 * clamped to the text.
 */
export function codePointToUtf16(text: string, cp: number): number {
  if (!Number.isFinite(cp) || cp <= 0) return 0;
  if (!hasSurrogates(text)) return Math.min(Math.floor(cp), text.length);
  let units = 0;
  let points = 0;
  while (units < text.length && points < cp) {
    const code = text.charCodeAt(units);
    const pair = code >= 0xd800 && code <= 0xdbff && units + 1 < text.length
      && text.charCodeAt(units + 1) >= 0xdc00 && text.charCodeAt(units + 1) <= 0xdfff;
    units += pair ? 2 : 1;
    points += 1;
  }
  return units;
}

/** The code-point offset (what the server counts) of UTF-16 offset `units` of `text`. */
export function utf16ToCodePoint(text: string, units: number): number {
  if (!Number.isFinite(units) || units <= 0) return 0;
  const end = Math.min(Math.floor(units), text.length);
  if (!hasSurrogates(text)) return end;
  let points = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length
      && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff;
    if (pair) {
      if (i + 1 >= end) break; // `units` falls inside the pair: that character has not ended
      i += 1; // both halves of a pair are one code point
    }
    points += 1;
  }
  return points;
}

// ---- node ranges ------------------------------------------------------------------------------

/** A node of the flow drawn in the SVG, with its range in the document (code points). */
export interface NodeRange {
  id: number;
  start: number;
  end: number;
}

/** The path the server gives a `file:` document (`rasp.lsp.documents.uri_path`), else undefined. */
export function uriFilePath(uri: string): string | undefined {
  const match = /^file:\/\/[^/]*(\/[^?#]*)/i.exec(uri);
  if (match === null) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/** Every node of a flow: the inputs, then layer by layer the heads' selectors and aggregates, and the feed-forward nodes. */
export function flowNodes(flow: ComputationFlow): FlowNode[] {
  const nodes: FlowNode[] = [...(flow.inputs ?? [])];
  for (const layer of flow.layers ?? []) {
    for (const head of layer.heads ?? []) nodes.push(head.selector, ...(head.aggregates ?? []));
    nodes.push(...(layer.mlp ?? []));
  }
  return nodes.filter((n) => n !== null && typeof n === 'object');
}

const isOffset = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * The ranges in the document of the flow's nodes. A node is the document's when its origin's
 * file is null or one of `documentFiles` (the server names a saved document by its path);
 * library nodes (defined in library.rasp) have none.
 */
export function documentRanges(flow: ComputationFlow, documentFiles: ReadonlyArray<string | undefined>): NodeRange[] {
  const files = new Set(documentFiles.filter((f): f is string => typeof f === 'string' && f !== ''));
  const out: NodeRange[] = [];
  const seen = new Set<number>();
  for (const node of flowNodes(flow)) {
    const origin = node.origin;
    if (!origin || !isOffset(origin.start) || !isOffset(origin.end) || origin.end < origin.start) continue;
    if (origin.file !== null && origin.file !== undefined && !files.has(origin.file)) continue;
    if (typeof node.id !== 'number' || seen.has(node.id)) continue;
    seen.add(node.id);
    out.push({ id: node.id, start: origin.start, end: origin.end });
  }
  return out;
}

const G_TAG = /<g\b[^>]*>/g;
const attribute = (tag: string, name: string): string | undefined =>
  new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/** The ranges the SVG itself carries (`data-start` / `data-end` on the node groups). */
export function svgRanges(svg: string): NodeRange[] {
  const out: NodeRange[] = [];
  for (const [tag] of svg.matchAll(G_TAG)) {
    const id = Number(attribute(tag, 'data-node-id'));
    const start = Number(attribute(tag, 'data-start'));
    const end = Number(attribute(tag, 'data-end'));
    if (Number.isInteger(id) && isOffset(start) && isOffset(end) && end >= start) out.push({ id, start, end });
  }
  return out;
}

/** The ranges of both sources, the SVG's own first. */
export function mergeRanges(first: readonly NodeRange[], second: readonly NodeRange[]): NodeRange[] {
  const ids = new Set(first.map((r) => r.id));
  return [...first, ...second.filter((r) => !ids.has(r.id))];
}

/**
 * The SVG with `data-start` / `data-end` on every node group that has a range but does not
 * carry it yet (the server writes them only for nodes whose origin file is null).
 */
export function annotateSvg(svg: string, ranges: readonly NodeRange[]): string {
  const byId = new Map(ranges.map((r) => [r.id, r]));
  return svg.replace(G_TAG, (tag) => {
    const id = Number(attribute(tag, 'data-node-id'));
    const range = byId.get(id);
    if (range === undefined || attribute(tag, 'data-start') !== undefined) return tag;
    const close = tag.endsWith('/>') ? '/>' : '>';
    return `${tag.slice(0, -close.length)} data-start="${range.start}" data-end="${range.end}"${close}`;
  });
}

/**
 * The node to highlight for a selection `start..end` (code points) of `text`: the smallest
 * range that holds the selection. When none does (the cursor on the name a statement
 * defines, say), the largest range that starts later on the same statement line.
 */
export function nodeAtSelection(ranges: readonly NodeRange[], text: string, start: number, end = start): number | undefined {
  const [from, to] = start <= end ? [start, end] : [end, start];
  let best: NodeRange | undefined;
  for (const r of ranges) {
    if (r.start <= from && to <= r.end && (best === undefined || r.end - r.start < best.end - best.start)) best = r;
  }
  if (best !== undefined) return best.id;
  if (from !== to) return undefined;
  const fromUnits = codePointToUtf16(text, from);
  for (const r of ranges) {
    if (r.start < from) continue;
    const between = text.slice(fromUnits, codePointToUtf16(text, r.start));
    if (/[;\n]/.test(between)) continue;
    if (best === undefined || r.end - r.start > best.end - best.start) best = r;
  }
  return best?.id;
}

// ---- sample inputs ----------------------------------------------------------------------------

/** One item of a list literal: a number, a quoted string, True/False. */
function parseAtom(text: string): string | number | boolean | undefined {
  const s = text.trim();
  if (/^"[^"]*"$/.test(s)) return s.slice(1, -1);
  if (s === 'True' || s === 'False') return s === 'True';
  if (/^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return Number(s);
  return undefined;
}

/**
 * A `rasp.examples` entry as the input value the request takes, for the literals a setting
 * holds: `"abc"`, a bare word (a string), `[1, 2, 3]`, `["a", "b"]`, `[True, False]`.
 * Anything else (an expression, an empty input) gives undefined.
 */
export function parseExampleLiteral(text: unknown): RaspInput | undefined {
  if (typeof text !== 'string') return undefined;
  const s = text.trim();
  if (s === '') return undefined;
  if (!'"[('.includes(s[0]) && !/^[0-9]/.test(s)) return /[\r\n]/.test(s) ? undefined : s;
  if (s.startsWith('"')) return /^"[^"\r\n]+"$/.test(s) ? s.slice(1, -1) : undefined;
  if (s.startsWith('[') && s.endsWith(']')) {
    const body = s.slice(1, -1).trim();
    if (body === '') return undefined;
    const items: Array<string | number | boolean> = [];
    const item = /\s*("[^"]*"|[^,"\s][^,"]*?)\s*(?:,|$)/y;
    for (let at = 0; at < body.length; at = item.lastIndex) {
      item.lastIndex = at;
      const match = item.exec(body);
      const atom = match === null ? undefined : parseAtom(match[1]);
      if (atom === undefined) return undefined;
      items.push(atom);
    }
    return items;
  }
  return undefined;
}

export interface InputChoice {
  /** The entry as the user wrote it in `rasp.examples`. */
  label: string;
  input: RaspInput;
}

/** The `rasp.examples` entries the flow can run on, in order, without repeats. */
export function exampleChoices(examples: unknown): InputChoice[] {
  if (!Array.isArray(examples)) return [];
  const out: InputChoice[] = [];
  const seen = new Set<string>();
  for (const entry of examples) {
    const input = parseExampleLiteral(entry);
    if (input === undefined) continue;
    const key = JSON.stringify(input);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ label: String(entry).trim(), input });
  }
  return out;
}

/** After `rasp.examples` changed: the index of the previously chosen input, or -1 (the running example). */
export function rechoose(choices: readonly InputChoice[], previous: RaspInput | undefined): number {
  if (previous === undefined) return -1;
  const key = JSON.stringify(previous);
  return choices.findIndex((c) => JSON.stringify(c.input) === key);
}

// ---- messages ---------------------------------------------------------------------------------

/** From the extension to the webview. */
export type ToWebview =
  | {
    type: 'flow';
    /** The SVG, with a range on every node of the document. */
    svg: string;
    title: string;
    subtitle: string;
    /** The labels of the inputs to choose from: the running example first. */
    choices: string[];
    /** The index in `choices` of the input shown. */
    chosen: number;
    /** The node to highlight, if any. */
    active: number | null;
  }
  | { type: 'highlight'; id: number | null }
  | { type: 'note'; text: string };

/** From the webview to the extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'reveal'; id: number; start: number; end: number }
  | { type: 'input'; index: number };

/** A message from the webview, checked (the webview is another process); undefined if malformed. */
export function parseWebviewMessage(raw: unknown): FromWebview | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'reveal':
      if (!Number.isInteger(m.id) || !isOffset(m.start) || !isOffset(m.end) || (m.end as number) < (m.start as number)) return undefined;
      return { type: 'reveal', id: m.id as number, start: m.start as number, end: m.end as number };
    case 'input':
      return Number.isInteger(m.index) && (m.index as number) >= -1 ? { type: 'input', index: m.index as number } : undefined;
    default:
      return undefined;
  }
}

/** `reverse("hello") · 2 layers · heads per layer [1, 1] (max 1) · MLPs in layers [0, 1]`. */
export function flowSubtitle(flow: ComputationFlow): string {
  const head = `${flow.name}(${formatLiteral(flow.input)})`;
  return flow.cost ? `${head} · ${costLine(flow.cost)}` : head;
}

/** The labels of the input menu: the running example, then the `rasp.examples` entries. */
export function choiceLabels(choices: readonly InputChoice[], running: RaspInput | undefined): string[] {
  const first = running === undefined ? 'running example (set example)' : `running example: ${formatLiteral(running)}`;
  return [first, ...choices.map((c) => `rasp.examples: ${c.label}`)];
}

/** The message that draws a flow answer. `chosen` is -1 for the running example. */
export function flowMessage(
  flow: ComputationFlow,
  svg: string,
  ranges: readonly NodeRange[],
  choices: readonly InputChoice[],
  chosen: number,
  running: RaspInput | undefined,
  active: number | undefined,
): ToWebview {
  return {
    type: 'flow',
    svg: annotateSvg(svg, ranges),
    title: `Computation flow of ${flow.name}`,
    subtitle: flowSubtitle(flow),
    choices: choiceLabels(choices, running),
    chosen: chosen + 1,
    active: active ?? null,
  };
}

// ---- timing -----------------------------------------------------------------------------------

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Runs `fn` once `ms` after the last `trigger()`. */
export class Debouncer {
  private handle: unknown;
  private pending = false;

  constructor(private readonly fn: () => void, private readonly ms = 300, private readonly timers: Timers = realTimers) {}

  trigger(): void {
    if (this.pending) this.timers.clearTimeout(this.handle);
    this.pending = true;
    this.handle = this.timers.setTimeout(() => {
      this.pending = false;
      this.fn();
    }, this.ms);
  }

  get isPending(): boolean {
    return this.pending;
  }

  dispose(): void {
    if (this.pending) this.timers.clearTimeout(this.handle);
    this.pending = false;
  }
}
