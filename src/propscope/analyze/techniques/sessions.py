"""ONNX Runtime sessions for the technique encoders: options, one session per file and
depth in a process, the encoder cut after its first layers, and the thread count.

Why a module of its own: the model (``model.py``) decides what to run; this decides how a
session is made, which the training code (``training/fastheads.py``) and the benches
share.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import ModelError

#: One ORT session per (ONNX file, threads, depth) in this process (callers hold the lock).
_SESSIONS: dict[tuple[str, int, int | None], object] = {}


def session_options(threads: int = 0):
    """ORT options for a CPU process that may hold several sessions.

    Spinning is off: by default each session's intra-op threads busy-wait between
    runs, and with one window per call (see ``WINDOW_BATCH``) and several sessions
    in a process (ensemble members, SI members) the waiting threads burned about as
    much CPU as the work (bench/techniques_speed.py: ~107 vs ~59 ms CPU per window on
    the shared 2-core VM). Outputs are unchanged (same kernels, same graph).
    """
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return opts


def session_for(onnx: Path, threads: int = 0, layers: int | None = None):
    """One ORT session per ONNX file, thread count and depth in this process (callers hold the lock).

    The semeval2020 model's SI-only member *is* the semeval2023 encoder file: both
    models share this session instead of loading the same 25 MB twice. ``layers``:
    the encoder cut after its first ``layers`` transformer layers (:func:`truncated`),
    built in memory from the same file.
    """
    import onnxruntime as ort

    key = (str(onnx.resolve()), threads, layers)
    if key not in _SESSIONS:
        source = str(onnx) if layers is None else truncated(onnx, layers)
        _SESSIONS[key] = ort.InferenceSession(source, session_options(threads),
                                              providers=["CPUExecutionProvider"])
    return _SESSIONS[key]


# The output of transformer layer i (0-based) in the shipped exports (BERT naming).
LAYER_OUTPUT = "/encoder/encoder/layer.{}/output/LayerNorm/LayerNormalization_output_0"


def truncated(onnx: Path, layers: int) -> bytes:
    """The encoder in ``onnx`` cut after its first ``layers`` transformer layers, as
    a serialised ONNX model whose only output is that layer's hidden states.

    Built at load time from the shipped file (no second model file): the nodes that
    feed the cut are the file's own, with the same int8 weights, so the states are
    exactly those the full encoder computes at that depth. Needs the ``onnx`` package,
    which only this (the non-default variant ``fast_L5``) reads: it is the ``cut`` extra,
    not a dependency of every install.
    """
    try:
        import onnx as onnx_lib
        from onnx import utils as onnx_utils
    except ImportError as exc:
        raise ModelError(f"cutting the encoder after {layers} layer(s) needs the onnx package, which is not installed",
                         hint="pip install 'propscope[cut]' (only the fast_L5 variant cuts the encoder; "
                              "the accurate and fast modes do not need it)") from exc

    proto = onnx_lib.load(str(onnx))
    name = LAYER_OUTPUT.format(layers - 1)
    produced = {o for n in proto.graph.node for o in n.output}
    if layers < 1 or name not in produced:
        raise ModelError(f"{onnx}: cannot cut the encoder after {layers} layer(s) (no output {name!r})",
                         hint="'layers' must be between 1 and the encoder's depth")
    sub = onnx_utils.Extractor(proto).extract_model([i.name for i in proto.graph.input], [name])
    return bytes(sub.SerializeToString())


def default_threads() -> int:
    """ORT intra-op threads for this process: 1 in a worker process, else 0 (all cores).

    The ``processes`` and ``dask`` engines run one worker per core, each with its own
    model; with every worker's session also starting one thread per core, 2 workers
    ran 4 busy threads on 2 cores. One thread per worker costs less CPU per window
    (bench/techniques_ort_probe.py: about 57 ms against 62 ms with 2 threads) and
    gives the same scores (bench/techniques_speed.py compares outputs).
    """
    import multiprocessing

    return 1 if multiprocessing.parent_process() is not None else 0
