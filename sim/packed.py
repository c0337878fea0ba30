"""Frames as compact arrays for the trip from a worker to the main process.

A worker's frames (monthly, spells, events, KPI rows) travel as one array per column, no index and
no frame: numbers as numpy arrays, pandas' text columns as their Arrow arrays (both pickle as a copy
of their memory), and Python-object columns as small integer codes with the distinct values once
(pickling them would be one object per row). `unpack` rebuilds the stacked frame once, from every
chunk, with the same columns, dtypes and values, so results are byte-identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Column:
    """One column: `values` as they are, or `codes` into `uniques` (object or category columns)."""

    values: Any = None       # a numpy array or a pandas extension array (Arrow text), as it was
    codes: np.ndarray | None = None
    uniques: np.ndarray | None = None
    dtype: Any = None      # the coded column's dtype (object, str or category), restored on unpacking


@dataclass(frozen=True)
class Packed:
    """Rows of several replications: `lengths[k]` rows of the k-th, columns in order."""

    names: tuple[str, ...]
    columns: tuple[Column, ...]
    lengths: np.ndarray


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Small integer codes and the distinct values (a missing value kept as it was: None or NaN)."""
    codes, uniques = pd.factorize(values)
    missing = codes < 0
    if not missing.any():
        return codes.astype(np.int32), np.asarray(uniques, dtype=object)
    kinds = {type(v) for v in values[missing].tolist()}
    if len(kinds) == 1:
        kept = np.empty(len(uniques) + 1, dtype=object)
        kept[:-1] = uniques
        kept[-1] = values[missing][0]
        return np.where(missing, len(uniques), codes).astype(np.int32), kept
    return _codes_slowly(values)


def _codes_slowly(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`_codes` one value at a time (a column with missing values of several kinds)."""
    index: dict[object, int] = {}
    uniques: list[object] = []
    codes = np.empty(len(values), dtype=np.int32)
    for i, value in enumerate(values.tolist()):
        key = (type(value), value) if value == value else ("nan", id(value))   # NaN != NaN
        found = index.get(key)
        if found is None:
            found = index[key] = len(uniques)
            uniques.append(value)
        codes[i] = found
    kept = np.empty(len(uniques), dtype=object)
    kept[:] = uniques
    return codes, kept


def _column(series: pd.Series) -> Column:
    if isinstance(series.dtype, pd.CategoricalDtype):   # codes into the same categories in every part
        return Column(codes=series.cat.codes.to_numpy(), uniques=np.asarray(series.cat.categories, dtype=object),
                      dtype=series.dtype)
    if isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
        return Column(values=series.array)
    values = series.to_numpy()
    if values.dtype == object:
        codes, uniques = _codes(values)
        return Column(codes=codes, uniques=uniques, dtype=series.dtype)
    return Column(values=values)


def pack_frames(frames: Sequence[pd.DataFrame], lengths: Sequence[int] | None = None) -> Packed:
    """The frames of several replications (same columns) as one `Packed`; one frame holding several
    replications' rows with `lengths` (rows per replication, in order)."""
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    counts = np.asarray([len(f) for f in frames] if lengths is None else list(lengths), dtype=np.int64)
    names = tuple(str(c) for c in frame.columns)
    return Packed(names, tuple(_column(frame[name]) for name in names), counts)


def _values(column: Column) -> np.ndarray:
    assert column.codes is not None and column.uniques is not None
    return column.uniques[column.codes]


def _joined(arrays: list[Any]) -> Any:
    """Arrays of one column from every part, joined: numpy with numpy, extension arrays by their type."""
    if isinstance(arrays[0], np.ndarray):
        return np.concatenate(arrays)
    return type(arrays[0])._concat_same_type(arrays)


def unpack(parts: Sequence[tuple[np.ndarray, Packed]]) -> pd.DataFrame:
    """One frame of (replication numbers, Packed) parts in order, with `replication` first."""
    first = parts[0][1]
    replication = np.concatenate([np.repeat(reps, part.lengths) for reps, part in parts]).astype(np.int64)
    columns: dict[str, Any] = {"replication": replication}
    for j, name in enumerate(first.names):
        column = first.columns[j]
        if isinstance(column.dtype, pd.CategoricalDtype) and all(p.columns[j].dtype == column.dtype for _, p in parts):
            codes = np.concatenate([part.columns[j].codes for _, part in parts])
            columns[name] = pd.Categorical.from_codes(codes, dtype=column.dtype)
            continue
        if column.values is not None:
            columns[name] = _joined([part.columns[j].values for _, part in parts])
            continue
        values = np.concatenate([_values(part.columns[j]) for _, part in parts])
        columns[name] = pd.Series(values, dtype=column.dtype, copy=False)
    return pd.DataFrame(columns, columns=["replication", *first.names])
