"""Training, calibration and data preparation for the technique models (``propscope[train]``).

Kept apart from the runtime package :mod:`propscope.analyze.techniques` so that
inference imports only onnxruntime, tokenizers, numpy and the heads: nothing here
is imported by the analyzer, ``predict-spans`` or the web app. ``train`` needs
PyTorch and transformers (the ``train`` extra); ``dataset``, ``calibrate``,
``sihead`` and ``crosswalk`` need only numpy and onnxruntime, and the evaluation
scorers (:mod:`propscope.evaluate.scorers`).

- :mod:`.dataset`: the labelled data (PTC 2020, SemEval-2023 English) and the fixed split.
- :mod:`.train`: fine-tuning, ONNX export, int8 quantisation (``propscope train``).
- :mod:`.calibrate`: decoding thresholds chosen on the validation split, held-out estimates.
- :mod:`.sihead`: the SemEval-2020 SI head over another encoder's states.
- :mod:`.crosswalk`: SemEval-2023 English spans as extra SemEval-2020 training data.

This ``__init__`` imports nothing, so ``import propscope.training`` works without torch.
"""
