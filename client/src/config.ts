// Pure settings logic for the RASP client: validates the user's `rasp.*` settings and
// describes how to launch the Python language server. No `vscode` import, so it is unit-testable.

export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface RaspSettings {
  serverPythonPath: string;
  examples: string[];
  evaluationTimeoutMs: number;
  evaluationMaxLength: number;
  inlayHintsEnable: boolean;
  tracrEnable: boolean;
  traceServer: TraceLevel;
}

export const DEFAULT_SETTINGS: Readonly<RaspSettings> = Object.freeze({
  serverPythonPath: '',
  examples: [],
  evaluationTimeoutMs: 2000,
  evaluationMaxLength: 256,
  inlayHintsEnable: false,
  tracrEnable: false,
  traceServer: 'off',
});

/** Setting keys relative to the `rasp` section, as they appear in package.json (minus `rasp.`). */
export const SETTING_KEYS = [
  'server.pythonPath',
  'examples',
  'evaluation.timeoutMs',
  'evaluation.maxLength',
  'inlayHints.enable',
  'tracr.enable',
  'trace.server',
] as const;

export const PYTHON_PACKAGE = 'rasp-language-tools';
export const SERVER_MODULE = 'rasp.lsp';
export const FALLBACK_PYTHON = 'python3';

const TRACE_LEVELS: readonly string[] = ['off', 'messages', 'verbose'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Looks `key` up either as a flat dotted key (`'server.pythonPath'`) or as a nested path. */
function lookup(raw: unknown, key: string): unknown {
  if (!isRecord(raw)) {
    return undefined;
  }
  if (Object.prototype.hasOwnProperty.call(raw, key)) {
    return raw[key];
  }
  let node: unknown = raw;
  for (const part of key.split('.')) {
    if (!isRecord(node) || !Object.prototype.hasOwnProperty.call(node, part)) {
      return undefined;
    }
    node = node[part];
  }
  return node;
}

type SettingKey = (typeof SETTING_KEYS)[number];

/** Reads one setting; `parse` returns undefined for invalid values. Never throws. */
function field<T>(raw: unknown, key: SettingKey, parse: (value: unknown) => T | undefined, fallback: T): T {
  try {
    return parse(lookup(raw, key)) ?? fallback;
  } catch {
    return fallback; // e.g. a throwing getter or a revoked proxy: treat as unset
  }
}

const asString = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined);
const asBoolean = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
const asPositiveInteger = (v: unknown) =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
const asStringList = (v: unknown) =>
  Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string') : undefined;
const asTraceLevel = (v: unknown) =>
  typeof v === 'string' && TRACE_LEVELS.includes(v) ? (v as TraceLevel) : undefined;

/**
 * Normalises raw `rasp.*` settings (flat dotted keys or nested objects). Never throws:
 * any missing or wrongly typed value falls back to its default; non-string examples are dropped.
 */
export function readSettings(raw: unknown): RaspSettings {
  const d = DEFAULT_SETTINGS;
  return {
    serverPythonPath: field(raw, 'server.pythonPath', asString, d.serverPythonPath),
    examples: field(raw, 'examples', asStringList, [...d.examples]),
    evaluationTimeoutMs: field(raw, 'evaluation.timeoutMs', asPositiveInteger, d.evaluationTimeoutMs),
    evaluationMaxLength: field(raw, 'evaluation.maxLength', asPositiveInteger, d.evaluationMaxLength),
    inlayHintsEnable: field(raw, 'inlayHints.enable', asBoolean, d.inlayHintsEnable),
    tracrEnable: field(raw, 'tracr.enable', asBoolean, d.tracrEnable),
    traceServer: field(raw, 'trace.server', asTraceLevel, d.traceServer),
  };
}

/**
 * The Python executable that runs the server: `rasp.server.pythonPath` if set, else the
 * Python extension's selected interpreter if known, else `python3`.
 */
export function resolvePythonCommand(
  settings: Pick<RaspSettings, 'serverPythonPath'>,
  pythonExtensionInterpreter: string | undefined,
): string {
  const configured = settings.serverPythonPath.trim();
  if (configured !== '') {
    return configured;
  }
  const fromExtension = pythonExtensionInterpreter?.trim() ?? '';
  return fromExtension !== '' ? fromExtension : FALLBACK_PYTHON;
}

/** Arguments that start the language server over stdio: `python -m rasp.lsp`. */
export function serverArgs(): string[] {
  return ['-m', SERVER_MODULE];
}

/** Arguments for a quick check that the server module is importable by `python`. */
export function probeArgs(): string[] {
  return ['-c', `import ${SERVER_MODULE}`];
}

/**
 * The single, actionable message shown when the server cannot be started. `interpreterMissing`
 * means `python` itself could not be run (e.g. ENOENT), as opposed to lacking the package.
 */
export function startFailureMessage(python: string, interpreterMissing = false): string {
  if (interpreterMissing) {
    return (
      `RASP: Python interpreter "${python}" was not found. Set "rasp.server.pythonPath" to a ` +
      `Python 3.11+ and run \`pip install ${PYTHON_PACKAGE}\` with it.`
    );
  }
  const quoted = /\s/.test(python) ? `"${python}"` : python;
  return (
    `RASP: could not start the language server with "${python}". ` +
    `Install it with \`${quoted} -m pip install ${PYTHON_PACKAGE}\`, ` +
    'or point "rasp.server.pythonPath" at a Python that has it.'
  );
}
