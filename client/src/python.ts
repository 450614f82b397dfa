// Interpreter discovery for the RASP client: which Python runs `python -m rasp.lsp`.
// Pure: the Python extension's API is passed in (as an untrusted value), so this module has no
// `vscode` import and is unit-tested with fakes.
import { RaspSettings, resolvePythonCommand } from './config';

/** The id of the Python extension whose selected interpreter is used when the setting is empty. */
export const PYTHON_EXTENSION_ID = 'ms-python.python';

/** Where the interpreter came from, for the log line in the "RASP" output channel. */
export type PythonSource = 'setting' | 'python-extension' | 'fallback';

export interface PythonChoice {
  command: string;
  source: PythonSource;
}

function isRecord(value: unknown): value is Record<string | symbol, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

/**
 * The executable of the environment selected in the Python extension, read from its API
 * (`environments.getActiveEnvironmentPath()` then `environments.resolveEnvironment(..)`,
 * whose answer has `executable.uri.fsPath`). Any missing piece, wrong type, throw or
 * rejection gives undefined: the API belongs to another extension and may change.
 */
export async function interpreterFromPythonApi(api: unknown): Promise<string | undefined> {
  try {
    const envs = isRecord(api) ? api.environments : undefined;
    if (!isRecord(envs) || typeof envs.getActiveEnvironmentPath !== 'function' || typeof envs.resolveEnvironment !== 'function') {
      return undefined;
    }
    const active: unknown = envs.getActiveEnvironmentPath();
    if (active === undefined || active === null) return undefined;
    const env: unknown = await envs.resolveEnvironment(active);
    const executable = isRecord(env) ? env.executable : undefined;
    const uri = isRecord(executable) ? executable.uri : undefined;
    const fsPath = isRecord(uri) ? uri.fsPath : undefined;
    return typeof fsPath === 'string' && fsPath.trim() !== '' ? fsPath : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Chooses the interpreter: `rasp.server.pythonPath`, else the Python extension's selection
 * (asked only when the setting is empty, so a missing or slow extension costs nothing then),
 * else `python3`.
 */
export async function choosePython(
  settings: Pick<RaspSettings, 'serverPythonPath'>,
  pythonExtensionApi: () => Promise<unknown>,
): Promise<PythonChoice> {
  if (settings.serverPythonPath.trim() !== '') {
    return { command: resolvePythonCommand(settings, undefined), source: 'setting' };
  }
  let fromExtension: string | undefined;
  try {
    fromExtension = await interpreterFromPythonApi(await pythonExtensionApi());
  } catch {
    fromExtension = undefined;
  }
  const command = resolvePythonCommand(settings, fromExtension);
  return { command, source: fromExtension !== undefined ? 'python-extension' : 'fallback' };
}

/** The log line naming the interpreter and why it was chosen. */
export function describeChoice(choice: PythonChoice): string {
  const why = {
    setting: 'from the setting rasp.server.pythonPath',
    'python-extension': 'the interpreter selected in the Python extension',
    fallback: 'no rasp.server.pythonPath and no interpreter from the Python extension',
  }[choice.source];
  return `Python: ${choice.command} (${why})`;
}
