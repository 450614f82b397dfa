// The pure part of the client commands "RASP: Show Evaluation" and "RASP: Set Example Input":
// reading a code lens's arguments, the `rasp/evaluate` parameters, the address of the read-only
// evaluation view, and the new `rasp.examples` list. No `vscode` import, so it is unit-tested.
import type { EvaluateParams } from './protocol';

/** The URI scheme of the read-only evaluation documents (a TextDocumentContentProvider). */
export const EVALUATION_SCHEME = 'rasp-evaluation';

/** A RASP name, as the server's lexer reads it. */
export const NAME_PATTERN = /[A-Za-z_][A-Za-z0-9_]*/;

export interface ShowEvaluationTarget {
  uri: string;
  name: string;
  /** Offset of the defining statement, when the command comes from a code lens. */
  offset?: number;
}

/**
 * The target of `rasp.showEvaluation` from its arguments: a code lens sends
 * `[uri, name, offset]` (server/rasp/lsp/server.py, code_lens_resolve). Anything else (the
 * palette sends none) gives undefined, and the caller falls back to the word at the cursor.
 */
export function parseShowEvaluationArgs(args: readonly unknown[]): ShowEvaluationTarget | undefined {
  const [uri, name, offset] = args;
  if (typeof uri !== 'string' || uri === '' || typeof name !== 'string' || !isName(name)) {
    return undefined;
  }
  return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? { uri, name, offset } : { uri, name };
}

export function isName(text: string): boolean {
  return new RegExp(`^(?:${NAME_PATTERN.source})$`).test(text);
}

/** The parameters of the `rasp/evaluate` request for one name. */
export function evaluateParams(target: ShowEvaluationTarget): EvaluateParams {
  return { textDocument: { uri: target.uri }, name: target.name };
}

/** The last path segment of a URI, without query or fragment (`file:///a/b.rasp` -> `b.rasp`). */
export function uriBaseName(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last) || path;
  } catch {
    return last || path;
  }
}

/**
 * Where the evaluation of `name` in the document `sourceUri` is shown: a path whose last
 * segment is the tab's title (`reverse (evaluation)`, no extension, so plain text) under the
 * source's file name, and the source URI as the query so two files never share a view.
 */
export function evaluationViewAddress(sourceUri: string, name: string): { scheme: string; path: string; query: string } {
  return {
    scheme: EVALUATION_SCHEME,
    path: `/${uriBaseName(sourceUri)}/${name} (evaluation)`,
    query: sourceUri,
  };
}

/**
 * Checks a sample input typed by the user; returns a message, or undefined when it is
 * acceptable. Inputs are RASP literals (`"abc"`, `[1, 2, 3]`) or a bare word (a string), as
 * `rasp run --input` and the `rasp.examples` setting take them; the server has the last word.
 */
export function validateExampleInput(text: string): string | undefined {
  const s = text.trim();
  if (s === '') {
    return 'Type an input: a string such as "hello" (or hello), or a list such as [1, 2, 3].';
  }
  if (s.startsWith('"')) {
    return /^"[^"\r\n]*"$/.test(s) ? undefined : 'A string input is one "quoted" string without inner quotes.';
  }
  if (s.startsWith('[') && !s.endsWith(']')) {
    return 'A list input ends with ].';
  }
  if (s.startsWith('(') && !s.endsWith(')')) {
    return 'An input in parentheses ends with ).';
  }
  if (/^[0-9]/.test(s)) {
    return 'An input is a sequence: write "123" for a string of digits, or [1, 2, 3] for a list of numbers.';
  }
  if (/[\r\n]/.test(s)) {
    return 'An input fits on one line.';
  }
  return undefined;
}

/** `rasp.examples` after adding `input` in front; an equal earlier entry moves to the front. */
export function prependExample(current: unknown, input: string): string[] {
  const entry = input.trim();
  const previous = Array.isArray(current) ? current.filter((e): e is string => typeof e === 'string') : [];
  return [entry, ...previous.filter((e) => e.trim() !== entry)];
}

/** What `inspect('examples')` tells (the subset that is used). */
export interface ExamplesInspection {
  globalValue?: unknown;
  workspaceValue?: unknown;
}

/**
 * The list to prepend to for the chosen settings target: the workspace's own list if it has
 * one, else the list in effect (so the user's global examples stay in effect, after the new
 * one, once the workspace overrides them); for the global target, the global list.
 */
export function examplesBase(target: 'workspace' | 'global', inspection: ExamplesInspection | undefined, effective: unknown): unknown {
  if (target === 'global') {
    return inspection?.globalValue ?? [];
  }
  return inspection?.workspaceValue ?? effective ?? [];
}
