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

/** Where a flow node comes from: code-point offsets into `file` (null: the document itself). */
export interface FlowOrigin {
  file: string | null;
  start: number;
  end: number;
}

/** One node of a computation flow (an s-op, or a selector for a head). */
export interface FlowNode {
  id: number;
  label: string;
  kind: string;
  depth: number;
  inputs?: number[];
  origin?: FlowOrigin;
  values?: unknown[];
  type?: string;
  text?: string;
  matrix?: boolean[][];
  error?: unknown;
}

export interface FlowHead {
  selector: FlowNode;
  aggregates: FlowNode[];
}

export interface FlowLayer {
  layer: number;
  heads: FlowHead[];
  mlp: FlowNode[];
}

/** `rasp.flow.layout.layout(...)`: the s-op's computation, layer by layer, on one input. */
export interface ComputationFlow {
  name: string;
  input: RaspInput;
  cost: Cost;
  inputs: FlowNode[];
  layers: FlowLayer[];
  edges: Array<[number, number]>;
  output: number;
}

export interface ComputationFlowParams {
  textDocument: { uri: string };
  name?: string;
  position?: { line: number; character: number };
  /** The input to run on; the running example (`set example`) when left out. */
  input?: RaspInput;
}

/** The answer to `rasp/computationFlow` (null: not an s-op of the document, or no input). */
export interface ComputationFlowResult {
  flow: ComputationFlow;
  /** A complete SVG document; nodes are `<g class="node">` / `<g class="head">` with `data-node-id`. */
  svg: string;
}

export const COMPUTATION_FLOW = 'rasp/computationFlow';

/** The command of the "computation flow of NAME" code lens, with arguments `[uri, name]`. */
export const SHOW_COMPUTATION_FLOW_COMMAND = 'rasp.showComputationFlow';
