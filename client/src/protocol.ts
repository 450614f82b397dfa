// The custom requests of the RASP language server. Mirrors server/rasp/lsp/protocol.py:
// keep the two in step. Pure declarations: no `vscode` import, so Node tests can load it.
/** An input: a string (a list of characters) or a list of atoms. */
export type RaspInput = string | Array<string | number | boolean>;

export interface Cost {
  layers: number;
  heads: number[];
  max_heads: number;
  mlp_layers: number[];
}

/** One `rasp run --json` result: values (s-op), matrix (selector), value, or an error. */
export interface EvaluationResult {
  input: RaspInput;
  kind: 's-op' | 'selector' | 'value' | 'skipped';
  type?: 'ints' | 'floats' | 'bools' | 'strings';
  values?: unknown[];
  matrix?: boolean[][];
  value?: unknown;
  error: { code: string; message: string } | null;
}

export interface EvaluateParams {
  textDocument: { uri: string };
  position?: { line: number; character: number };
  name?: string;
  inputs?: RaspInput[];
}

export interface EvaluateResult {
  name: string;
  kind?: 's-op' | 'selector' | 'value';
  inputs?: RaspInput[];
  results?: EvaluationResult[];
  cost?: Cost | null;
  error?: string;
}

export interface CostParams {
  textDocument: { uri: string };
  name: string;
}

export interface CostGraphNode {
  id: number;
  kind: string;
  label: string;
  layer: number;
  inputs: number[];
}

export interface CostResult extends Cost {
  graph: { nodes: CostGraphNode[] };
}

/** Request methods (send with `client.sendRequest<EvaluateResult | null>(EVALUATE, params)`). */
export const EVALUATE = 'rasp/evaluate';
export const COST = 'rasp/cost';

/** The command a code lens runs when clicked (registered by the extension, not the server). */
export const SHOW_EVALUATION_COMMAND = 'rasp.showEvaluation';
