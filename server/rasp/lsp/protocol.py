"""The custom requests of the RASP server, mirrored by `client/src/protocol.ts` (keep the two
in step).

`rasp/evaluate`: params {textDocument: {uri}, position?: Position, name?: string,
    inputs?: INPUT[]} -> {name, kind, inputs: INPUT[], results: RESULT[], cost: COST | null}
    where RESULT is one `rasp run --json` result object per input (values or matrix or error)
    and INPUT a string or a list.
`rasp/cost`: params {textDocument: {uri}, name: string} -> COST | null, where
    COST = {layers, heads: number[], max_heads, mlp_layers: number[]}.

`rasp/computationFlow`: params {textDocument: {uri}, name?: string, position?: Position,
    input?: INPUT} -> {flow: FLOW, svg: string} | null, where FLOW is
    `rasp.flow.layout.layout(...)` (layers of heads and feed-forward blocks, values, edges,
    source offsets) and svg its picture; the input defaults to the running example.
"""

EVALUATE = "rasp/evaluate"
COST = "rasp/cost"
COMPUTATION_FLOW = "rasp/computationFlow"
SHOW_EVALUATION_COMMAND = "rasp.showEvaluation"  # a client command: the lens click
SHOW_COMPUTATION_FLOW_COMMAND = "rasp.showComputationFlow"  # a client command (flow lens)
