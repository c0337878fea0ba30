"""The futures an optimisation simulated, kept on disk so a rerun (or the what-if button) reuses them.

One file in the run folder (``futures-cache.bin``) with every plan's yearly result columns on every
stream it was simulated on, for one key. The key hashes the scenario as the
simulator reads it, the vangnet rules, the levers with their levels, the root seed and the
simulator's own source (so a changed engine never reuses old results). The file holds arrays and a
JSON header only (no pickle); a damaged file or one for another key is ignored.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from sporen.optimise.decisions import DecisionSpace

Store = dict[tuple[Any, Any], dict[str, np.ndarray]]
"""Oracle.store: (stream, point) -> column -> [r, year, municipality]."""


def _engine_digest() -> str:
    """The simulator's source (sim/*.py): results from another engine are never reused."""
    folder = Path(__file__).resolve().parent.parent / "sim"
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(space: DecisionSpace, seed: int, rules: Any = None) -> str:
    """The file key of a (scenario, decision space, seed) under this simulator and these vangnet rules."""
    scenario = space.scenario
    levers = [[lever.key, [repr(v) for v in lever.levels], lever.baseline] for lever in space.levers]
    parts = [scenario.model_dump_json(), repr(rules), json.dumps(levers), str(int(seed)), _engine_digest()]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


CACHE_FILE = "futures-cache.bin"
"""The cache's file name in a run folder (listed in its manifest like every file the run wrote)."""
MAGIC = b"SPOREN-FUTURES-1\n"
DTYPES = {"int64": np.int64, "float64": np.float64}


def save(path: Path, key: str, store: Store) -> Path:
    """Write the store to `path`: a line of magic, a JSON header (key, index of arrays), the arrays' bytes.
    Deterministic bytes (no time stamps): a rerun writes the same file."""
    index = []
    blobs: list[bytes] = []
    offset = 0
    for (stream, point), columns in sorted(store.items(), key=lambda item: repr(item[0])):
        for column in sorted(columns):
            values = np.ascontiguousarray(columns[column])
            dtype = "float64" if values.dtype.kind == "f" else "int64"
            blob = values.astype(DTYPES[dtype]).tobytes()
            index.append({"stream": list(stream), "point": [list(levels) for levels in point], "column": column,
                          "dtype": dtype, "shape": list(values.shape), "offset": offset, "bytes": len(blob)})
            blobs.append(blob)
            offset += len(blob)
    header = json.dumps({"key": key, "index": index}, separators=(",", ":")).encode("utf-8")
    path.write_bytes(MAGIC + header + b"\n" + b"".join(blobs))
    return path


def load(path: Path, key: str) -> Store:
    """The store kept at `path` for `key` (empty when there is none, it is for another key, or it cannot be read)."""
    if not path.is_file():
        return {}
    try:
        data = path.read_bytes()
        if not data.startswith(MAGIC):
            return {}
        end = data.index(b"\n", len(MAGIC))
        header = json.loads(data[len(MAGIC):end])
        if header.get("key") != key:
            return {}
        body = memoryview(data)[end + 1:]
        store: Store = {}
        for entry in header["index"]:
            stream = (str(entry["stream"][0]), int(entry["stream"][1]))
            point = tuple(tuple(int(k) for k in levels) for levels in entry["point"])
            raw = body[entry["offset"]:entry["offset"] + entry["bytes"]]
            values = np.frombuffer(raw, dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"]).copy()
            store.setdefault((stream, point), {})[str(entry["column"])] = values
        return store
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return {}


__all__ = ["CACHE_FILE", "Store", "cache_key", "load", "save"]
