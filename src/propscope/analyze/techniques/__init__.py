"""Persuasion-technique detection: taxonomy, tokenisation, ONNX inference, training.

This package ``__init__`` imports nothing heavy on purpose: the training entry
point is run on machines that have PyTorch but not the rest of propscope's
dependencies, and the analyzer (``.analyzer``) registers itself only when the
pipeline asks for it.
"""
