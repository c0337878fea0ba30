"""Common random numbers: every draw of a replication derives from its SeedSequence, by name.

A replication gets one `numpy.random.SeedSequence` (the runner spawns them from the base seed).
Everything random in the engine comes from *named child streams* of that seed:

* ``("arrivals", municipality, segment)``: the application times of one stream (thinning);
* ``("clients", origin, municipality, segment)``: a block of `BLOCK` uniforms per person of one
  stream (origin ``initial`` = the initial stock, ``applicant`` = the k-th application), drawn
  in one call, row k for person k;
* ``("client-extra", origin, municipality, segment, k)``: a per-person Generator, spawned
  lazily when a person has used its whole block (a long life with many events);
* ``("uncertainty", parameter)``: the draw of one uncertain parameter.

A child stream's key is the parent's spawn key extended by a domain word and a stable hash
(BLAKE2b, not Python's salted `hash`) of each name, so streams do not depend on the order in
which they are made, on the process, or on which other streams exist: adding a municipality
to a scenario leaves every other municipality's people and applications unchanged. Person k of
a stream draws the same numbers whatever the plan (the block's row k does not depend on how
many rows are drawn), which pairs plans and variants compared on the same seeds.

Within a person's block the first `FIXED` positions have a fixed purpose (rung, benefit or not,
initial duration band and position, first gate decision), so those attributes never depend on
the history; the rest is consumed in order by events (exponential clocks, causes, returns,
instrument outcomes, later gate decisions).
"""

from __future__ import annotations

import hashlib
from array import array

import numpy as np
from numpy.random import PCG64, Generator, SeedSequence

_DOMAIN = 0x73706F72  # "spor": keeps our children apart from SeedSequence.spawn's children
_INT_MARK = 0xFFFFFFFF

BLOCK = 12
"""Uniforms pre-drawn per person; a person needing more gets a lazily spawned Generator."""
EXTRA = 32
"""Uniforms drawn at a time from a person's own Generator once the block is used up."""

U_RUNG, U_BENEFIT, U_BAND, U_DURATION, U_DECISION = 0, 1, 2, 3, 4
FIXED = 5
"""Positions 0-4 of a block have a fixed purpose; events consume positions FIXED, FIXED+1, ..."""


def _words(part: str | int) -> tuple[int, int]:
    """Two spawn-key words for a name (stable hash) or a non-negative integer."""
    if isinstance(part, int | np.integer):
        return (_INT_MARK, int(part))
    digest = hashlib.blake2b(str(part).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little")


def child_seed(seed: SeedSequence, *parts: str | int) -> SeedSequence:
    """The named child of `seed`: the same names give the same child in any process."""
    key = [_DOMAIN]
    for part in parts:
        key.extend(_words(part))
    return SeedSequence(entropy=seed.entropy, spawn_key=tuple(seed.spawn_key) + tuple(key),
                        pool_size=seed.pool_size)


def stream(seed: SeedSequence, *parts: str | int) -> Generator:
    """A Generator on the named child stream of `seed`."""
    return Generator(PCG64(child_seed(seed, *parts)))


def person_block(seed: SeedSequence, origin: str, municipality: str, segment: str, n: int) -> np.ndarray:
    """(n, BLOCK) uniforms in [0, 1): row k belongs to person k of the stream, whatever n is."""
    if n <= 0:
        return np.empty((0, BLOCK))
    return stream(seed, "clients", origin, municipality, segment).random((n, BLOCK))


def person_generator(seed: SeedSequence, origin: str, municipality: str, segment: str, k: int) -> Generator:
    """The lazily spawned own Generator of person k of a stream (for draws beyond its block)."""
    return stream(seed, "client-extra", origin, municipality, segment, k)


def flatten(blocks: list[np.ndarray]) -> array:
    """Stack blocks into one flat array of doubles (indexing it gives Python floats, fast)."""
    flat = array("d")
    for block in blocks:
        flat.frombytes(np.ascontiguousarray(block, dtype=np.float64).tobytes())
    return flat
