"""The custom requests of the RASP server, mirrored by `client/src/protocol.ts` (keep the two
in step).

`rasp/evaluate`: params {textDocument: {uri}, position?: Position, name?: string,
    inputs?: INPUT[]} -> {name, kind, inputs: INPUT[], results: RESULT[], cost: COST | null}
    where RESULT is one `rasp run --json` result object per input (values or matrix or error)
    and INPUT a string or a list.
`rasp/cost`: params {textDocument: {uri}, name: string} -> COST | null, where
    COST = {layers, heads: number[], max_heads, mlp_layers: number[]}.
"""

EVALUATE = "rasp/evaluate"
COST = "rasp/cost"
SHOW_EVALUATION_COMMAND = "rasp.showEvaluation"  # a client command: the lens click
