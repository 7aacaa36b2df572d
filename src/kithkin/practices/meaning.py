"""Similarity by meaning, offline: WordLlama's small embedding model, whose weights (16 MB)
and tokenizer ship inside its PyPI wheel.

The model is loaded from the package's own folder, never through its loader's download path:
nothing is fetched, ever (`HF_HUB_OFFLINE` is set before the tokenizer library is imported, and
the files are opened by path). Where the package or its files are missing, `available()` says
so and the caller falls back to bm25.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Final

MODEL: Final = "l2_supercat_256"  # WordLlama's default: 256 dimensions, Llama 2's vocabulary
_WEIGHTS: Final = Path("weights") / f"{MODEL}.safetensors"
_TOKENIZER: Final = Path("tokenizers") / "l2_supercat_tokenizer_config.json"
MAX_TEXTS: Final = 20_000  # texts compared at once: past that, the first ones


def _package_dir() -> Path | None:
    from importlib.util import find_spec

    spec = find_spec("wordllama")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def available() -> bool:
    folder = _package_dir()
    return folder is not None and (folder / _WEIGHTS).is_file() and (folder / _TOKENIZER).is_file()


@cache
def _model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # belt and braces: the files are read by path
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    folder = _package_dir()
    if folder is None:
        raise RuntimeError("wordllama is not installed")
    tokenizer = Tokenizer.from_file(str(folder / _TOKENIZER))
    with safe_open(str(folder / _WEIGHTS), framework="np", device="cpu") as f:
        embedding = f.get_tensor("embedding.weight")
    return WordLlamaInference(embedding, tokenizer)


def similarities(queries: Sequence[str], candidates: Sequence[str]) -> list[list[float]]:
    """The cosine similarity of each query to each candidate (rows: queries)."""
    if not queries or not candidates:
        return [[] for _ in queries]
    model = _model()
    a = model.embed(list(queries[:MAX_TEXTS]), norm=True)
    b = model.embed(list(candidates[:MAX_TEXTS]), norm=True)
    table = (a @ b.T).tolist()
    width = len(candidates)
    return [[float(v) for v in row] + [0.0] * (width - len(row)) for row in table] + [
        [0.0] * width for _ in queries[MAX_TEXTS:]
    ]
