"""Persuasion-technique detection at inference time: taxonomy, tokenisation, ONNX, heads.

Imports onnxruntime, tokenizers and numpy only (never PyTorch, never the
evaluation scorers): training, calibration, SI-head fitting, the crosswalk and
data preparation live in :mod:`propscope.training` (the ``train`` extra). This
``__init__`` imports nothing heavy; the analyzer (``.analyzer``) registers itself
only when the pipeline asks for it.
"""
