"""Code generation backends: each renders files ({path: content}) from a lowered IR graph."""
