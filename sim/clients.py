"""A client (a person: applicant, benefit recipient, or someone who left and may come back).

One small object per person with `__slots__`: the engine keeps hundreds of thousands of them.
A person keeps the same id through every spell on the caseload (a return is the same client).
The fields are plain attributes the engine reads and writes directly; their meaning:

identity and draws
    ``id`` (row in the results), ``origin`` (0 initial stock, 1 applicant), ``muni``/``seg``
    (indices in scenario order), ``k`` (number within its random stream), ``row`` (offset of its
    block of pre-drawn uniforms), ``cur`` (next unused position), ``extra``/``rng`` (own
    Generator and its unused draws, only once the block is used up).
attributes
    ``rung`` (participatieladder 1-6, kept over spells; moves to the nearest rung of a new
    track's ladder on a transfer), ``benefit`` (has a benefit at all), ``factor`` (1, or
    1 - partial_work_benefit_reduction after partial work), ``partial`` (partial work started
    this spell).
caseload spell
    ``track`` (index, -1 when off the caseload), ``cell`` (its municipality x track x segment
    row in the accounting), ``spell_start`` (time at which the duration on
    benefit was 0; negative for the initial stock), ``spell`` (row in the spells table),
    ``band_logged`` (last duration band written to the event log).
caseworker slot
    ``pstat`` (0 none, 1 waiting, 2 holding a slot = in view), ``pkey``, ``pseq`` (priority key and
    join number in its caseworker role's SlotPool), ``rver`` (version of its pending slot review:
    a gained slot, progress or a lost slot makes the pending review stale).
competing-risk clock (see `sim.hazards`)
    ``prof`` (hazard profile now in force), ``residual`` (unit-exponential clock left at
    ``t_clock``), ``ver`` (version: a scheduled event with another version is stale),
    ``ev_band`` (duration band of the scheduled event).
instruments
    ``instr`` (index of the trajectory the client is in, -1 none), ``iver`` (version of its end
    event), ``done`` (bit mask of instruments started this spell).
accounting
    ``iv_t`` (start of the open state interval), ``iv_initial`` (that interval is part of the
    initial stock), ``subsidies`` (indices of wage-cost subsidy intervals, cut short if the
    client comes back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from numpy.random import Generator

    from sporen.sim.hazards import Profile

NO_SLOT, WAITING, HOLDING = 0, 1, 2


class Client:
    __slots__ = (
        "id", "origin", "muni", "seg", "k", "row", "cur", "extra", "rng",
        "rung", "benefit", "factor", "partial",
        "track", "cell", "spell_start", "spell", "band_logged",
        "pstat", "pkey", "pseq", "rver",
        "prof", "residual", "t_clock", "ver", "ev_band",
        "instr", "iver", "done",
        "iv_t", "iv_initial", "subsidies",
    )
    # Only the attributes whose type __init__ does not show (it sets them to None).
    extra: list[float] | None
    rng: Generator | None
    prof: Profile | None
    """None until the client's first clock; set whenever it is on the caseload."""
    subsidies: list[int] | None

    def __init__(self, cid: int, origin: int, muni: int, seg: int, k: int, row: int, first_draw: int):
        self.id = cid
        self.origin = origin
        self.muni = muni
        self.seg = seg
        self.k = k
        self.row = row
        self.cur = first_draw
        self.extra = None
        self.rng = None
        self.rung = 0
        self.benefit = True
        self.factor = 1.0
        self.partial = False
        self.track = -1
        self.cell = -1
        self.spell_start = 0.0
        self.spell = -1
        self.band_logged = 0
        self.pstat = NO_SLOT
        self.pkey = 0.0
        self.pseq = 0
        self.rver = 0
        self.prof = None
        self.residual = 0.0
        self.t_clock = 0.0
        self.ver = 0
        self.ev_band = 0
        self.instr = -1
        self.iver = 0
        self.done = 0
        self.iv_t = 0.0
        self.iv_initial = False
        self.subsidies = None

    @property
    def in_view(self) -> bool:
        return self.pstat == HOLDING

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Client({self.id}, track={self.track}, rung={self.rung}, pstat={self.pstat})"
