// Text of the "RASP: Show Evaluation" view: a `rasp/evaluate` answer printed the way the
// reference REPL (and `rasp run`, server/rasp/format.py) prints it. Pure: no `vscode` import.
import type { Cost, EvaluateResult, EvaluationResult } from './protocol';

/**
 * `round(x, digits)` as Python computes it: correctly rounded from the exact binary value,
 * ties (which only exact binary fractions such as 0.0625 can be) to even.
 */
export function pythonRound(x: number, digits = 3): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 2 ** 53) return x;
  const abs = Math.abs(x);
  // toFixed rounds the exact value correctly, but ties away from zero; find the ties first.
  const exact = /^(\d+)\.(\d*)$/.exec(abs.toFixed(Math.min(100, digits + 60)));
  let rounded = Number(abs.toFixed(digits));
  if (exact !== null && /^50*$/.test(exact[2].slice(digits))) {
    const down = Number(`${exact[1]}.${exact[2].slice(0, digits)}`);
    const lastDigit = Number((exact[1] + exact[2].slice(0, digits)).slice(-1));
    rounded = lastDigit % 2 === 0 ? down : rounded;
  }
  return x < 0 || Object.is(x, -0) ? -rounded : rounded;
}

/** Python's `str(round(x, 3))` for a float: `0.333`, `2.0`, `-0.0`, `1e+16`. */
export function pythonFloat(x: number, digits = 3): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const r = pythonRound(x, digits);
  if (Object.is(r, -0)) return '-0.0';
  if (Math.abs(r) >= 1e16) {
    // Python switches to exponent notation from 1e16 on: 1e+16, 1.5e+17.
    const [mantissa, exponent] = r.toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  return Number.isInteger(r) ? `${r.toFixed(0)}.0` : String(r);
}

/**
 * One element of an s-op, as `fmt.element`: bools as T/F, floats to 3 digits. JSON does not
 * tell `2.0` from `2`, so numbers count as floats when the s-op's type says so.
 */
export function formatElement(value: unknown, floats = false): string {
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (typeof value === 'number') {
    return floats || !Number.isInteger(value) ? pythonFloat(value) : String(value);
  }
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return value;
  return formatValue(value);
}

/** An s-op's values, as `fmt.sop`: `[0, 3, 6] (ints)`, `[5]*5 (ints)`. */
export function formatSop(values: readonly unknown[], type: string | null | undefined): string {
  const word = type ?? '';
  const floats = word === 'floats' || word === 'float';
  const shown = values.map((v) => formatElement(v, floats));
  if (values.length > 1 && values.every((v) => v === values[0])) {
    return `[${shown[0]}]*${values.length} (${word})`;
  }
  return `[${shown.join(', ')}] (${word})`;
}

const codePoints = (s: string): number => Array.from(s).length;
const padEnd = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - codePoints(s)));

/** The labels of an input along a selector matrix: its characters, or its elements. */
function inputLabels(input: unknown): string[] {
  if (typeof input === 'string') return Array.from(input);
  if (Array.isArray(input)) return input.map((v) => formatElement(v));
  return [];
}

/**
 * A selector as `fmt.selector`: the input along the top (keys) and the left (queries), a `1`
 * where the query (row) selects the key (column).
 */
export function formatSelector(matrix: readonly (readonly boolean[])[], input: unknown): string {
  const labels = inputLabels(input);
  const label = (i: number): string => labels[i] ?? String(i);
  const columns = Math.max(labels.length, ...matrix.map((row) => row.length));
  const all = Array.from({ length: Math.max(columns, matrix.length) }, (_, i) => label(i));
  const width = Math.max(1, ...all.map(codePoints));
  const head = ' '.repeat(width + 3) + Array.from({ length: columns }, (_, i) => padEnd(label(i), width)).join(' ');
  const rows = matrix.map((row, q) =>
    (padEnd(label(q), width) + ' | ' + row.map((cell) => padEnd(cell ? '1' : ' ', width)).join(' ')).trimEnd(),
  );
  return [head, ...rows].join('\n');
}

function isDictJson(value: unknown): value is { dict: unknown[][] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const dict = (value as { dict?: unknown }).dict;
  return keys.length === 1 && Array.isArray(dict) && dict.every((p) => Array.isArray(p) && p.length === 2);
}

/** A plain value as `fmt.value`: `"abc"`, `True`, `[1, 2]`, `{"a": 1}`, `<function f>`. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value.startsWith('<function ') ? value : `"${value}"`;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (value === null || value === undefined) return 'None';
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (isDictJson(value)) {
    return `{${value.dict.map(([k, v]) => `${formatValue(k)}: ${formatValue(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** An input written as a RASP literal: `"hey"`, `[1, 2]`. */
export const formatLiteral = formatValue;

/** Python's repr of a list of ints: `[1, 1]`, `[]`. */
const pyList = (xs: readonly number[]): string => `[${xs.join(', ')}]`;

/** `2 layers · heads per layer [1, 1] (max 1) · MLPs in layers [0, 1]`, as `fmt.cost_line`. */
export function costLine(cost: Cost): string {
  const word = cost.layers === 1 ? 'layer' : 'layers';
  return (
    `${cost.layers} ${word} · heads per layer ${pyList(cost.heads)} (max ${cost.max_heads}) · ` +
    `MLPs in layers ${pyList(cost.mlp_layers)}`
  );
}

/** One result line (or block, for a selector), as `rasp run` prints it. */
export function formatResult(label: string, result: EvaluationResult): string {
  const hasInput = result.kind !== 'value' && result.kind !== undefined && 'input' in result;
  const head = hasInput ? `${label}(${formatLiteral(result.input)})` : label;
  if (result.error) {
    const what = result.kind === 'skipped' ? 'skipped' : `error[${result.error.code}]`;
    return `${head}: ${what}: ${result.error.message}`;
  }
  switch (result.kind) {
    case 's-op':
      return `${head} = ${formatSop(result.values ?? [], result.type)}`;
    case 'selector':
      return `${head} =\n${formatSelector(result.matrix ?? [], result.input)}`;
    default:
      return `${head} = ${formatValue(result.value)}`;
  }
}

export interface RenderContext {
  /** The name the user asked for (shown when the server returned nothing). */
  name: string;
  /** The document it was evaluated in, shown in the header. */
  source?: string;
}

/** The whole text of the evaluation view for one `rasp/evaluate` answer (or its absence). */
export function renderEvaluation(answer: EvaluateResult | null | undefined, context: RenderContext): string {
  const name = answer?.name ?? context.name;
  const lines: string[] = [];
  // No kind for a name that did not evaluate at all (the server then says "value").
  const evaluated = (answer?.results ?? []).some((r) => r.kind !== undefined);
  const kind = answer?.kind && evaluated ? ` (${answer.kind})` : '';
  lines.push(`# ${name}${kind}`);
  if (context.source) lines.push(`# in ${context.source}`);
  if (answer === null || answer === undefined) {
    lines.push('', `No evaluation for "${context.name}": it is not a name defined in this file, or the file is not open in the RASP language server.`);
    return lines.join('\n') + '\n';
  }
  if (answer.cost) lines.push(`# cost: ${costLine(answer.cost)}`);
  lines.push('');
  if (answer.error) {
    lines.push(`${name}: ${answer.error}`);
    return lines.join('\n') + '\n';
  }
  const results = answer.results ?? [];
  if (results.length === 0) {
    lines.push(`${name}: nothing to show (no sample input).`);
  }
  for (const result of results) {
    lines.push(formatResult(name, result));
  }
  return lines.join('\n') + '\n';
}
