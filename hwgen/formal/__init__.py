"""Formal proofs of a build: kernel stream rules, arithmetic units, layers (`hwgen prove`)."""
