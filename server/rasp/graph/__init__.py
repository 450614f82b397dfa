"""The computation graph: s-op and selector nodes, and the builder that runs RASP statements
to create them. Pure Python; numpy stays in `rasp.runtime`."""
