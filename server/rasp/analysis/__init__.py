"""Static analysis over the built graph: transformer cost (layers, heads, MLPs). Pure
Python; no numpy, no evaluation."""
