"""numpy evaluation of graph nodes on inputs (one input, or a batch of equal-length inputs)."""
