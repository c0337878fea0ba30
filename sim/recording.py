"""What a replication records besides the money: the spells table and, on request, the event log.

The engine calls tracker hooks (`Tracker.record`, `record_off_track`, `bands`) at every state
change; `NoEventLog` ignores them and `EventLog` writes rows (Ciw's idea: a tracker instead of
``if recording`` scattered through the engine). Recording never changes a result.

Event log rows: (client, time, event, municipality, track), ``track`` None for events off the
caseload (application, decision, return). ``band`` rows (a duration band crossed) are written
when the client next changes, so the log is sorted by time at the end.
"""

from __future__ import annotations

import math
from itertools import chain

import numpy as np
import pandas as pd

from sporen.inputs.schema import EXIT_CAUSES
from sporen.sim.clients import Client
from sporen.sim.results import EVENT_COLUMNS, SPELL_COLUMNS


class Tracker:
    """The event-log hooks; this base records nothing."""

    def record(self, c: Client, t: float, event: str) -> None:
        """c had `event` at t on its track (duration bands crossed before t are logged first)."""

    def record_off_track(self, c: Client, t: float, event: str) -> None:
        """c had `event` at t off the caseload (application, decision, return)."""

    def bands(self, c: Client, t: float) -> None:
        """Log the duration bands c crossed up to t (before a change of track)."""

    def initial(self, clients: list[Client]) -> None:
        """The initial stock of a track is on the caseload at t = 0."""

    def frame(self) -> pd.DataFrame | None:
        return None


NoEventLog = Tracker


class EventLog(Tracker):
    """Every event of every client, as rows."""

    def __init__(self, edges: list[float], municipalities: list[str], tracks: list[str]):
        self.edges, self.nb = edges, len(edges)
        self.municipalities, self.tracks = municipalities, tracks
        self.rows: list[tuple] = []

    def record(self, c: Client, t: float, event: str) -> None:
        if c.track >= 0:
            self.bands(c, t)
        self.rows.append((c.id, t, event, self.municipalities[c.muni],
                          self.tracks[c.track] if c.track >= 0 else None))

    def record_off_track(self, c: Client, t: float, event: str) -> None:
        self.rows.append((c.id, t, event, self.municipalities[c.muni], None))

    def bands(self, c: Client, t: float) -> None:
        b = c.band_logged
        edges = self.edges
        while b + 1 < self.nb and c.spell_start + edges[b + 1] <= t:
            b += 1
            self.rows.append((c.id, c.spell_start + edges[b], "band", self.municipalities[c.muni],
                              self.tracks[c.track]))
        c.band_logged = b

    def initial(self, clients: list[Client]) -> None:
        for c in clients:
            self.record(c, 0.0, "initial")

    def frame(self) -> pd.DataFrame:
        events = pd.DataFrame(self.rows, columns=EVENT_COLUMNS)
        return events.sort_values("time", kind="stable").reset_index(drop=True)


class SpellBook:
    """One row per caseload spell: who, where, when it started and how it ended."""

    def __init__(self) -> None:
        self.static: list[tuple] = []   # (client, muni, seg, track at entry, rung, entry time, initial)
        self.exit_time: list[float] = []
        self.cause: list[int] = []

    def open(self, c: Client, initial: bool) -> None:
        c.spell = len(self.exit_time)
        self.static.append((c.id, c.muni, c.seg, c.track, c.rung, c.spell_start, initial))
        self.exit_time.append(math.nan)
        self.cause.append(-1)

    def close(self, c: Client, t: float, cause: int) -> None:
        self.exit_time[c.spell] = t
        self.cause[c.spell] = cause

    def frame(self, municipalities: list[str], segments: list[str], tracks: list[str]) -> pd.DataFrame:
        names = np.array(municipalities, dtype=object)
        segs = np.array(segments, dtype=object)
        track_names = np.array(tracks, dtype=object)
        causes = np.array(list(EXIT_CAUSES) + [None], dtype=object)
        static = np.fromiter(chain.from_iterable(self.static), dtype=np.float64,
                             count=7 * len(self.static)).reshape(-1, 7)
        ints = static[:, :5].astype(np.int64)
        return pd.DataFrame({
            "client": ints[:, 0],
            "municipality": names[ints[:, 1]],
            "segment": segs[ints[:, 2]],
            "track_at_entry": track_names[ints[:, 3]],
            "rung": ints[:, 4],
            "entry_time": static[:, 5],
            "exit_time": np.array(self.exit_time, dtype=np.float64),
            "exit_cause": causes[np.array(self.cause, dtype=np.int64)],
            "initial": static[:, 6].astype(bool),
        }, columns=SPELL_COLUMNS)
