"""Caseload intensity: the served work multiplier at the caseload a caseworker carries.

MODEL.md 3.3: a client with a caseworker finds work faster, and more so when the caseworker has
fewer clients (more contact), with diminishing returns. The caseload L of a track is the clients
in view of its caseworker role's pool per fte of the role, measured at each month's start. A
track's curve (`inputs.schema.Intensity`) gives its served multiplier at L:

* saturating: ``1 + (s - 1) x (H + L_ref) / (H + L)``, with s the track's served_work_multiplier
  (its value at the reference caseload L_ref) and H the half-effect caseload. In dose terms (the
  caseworker time per client, 1/L) this is an Emax curve: the excess over 1 is half its maximum
  at L = H and goes to ``(s - 1) x (H + L_ref) / H`` as L falls to 0. It falls as L grows, so
  fewer fte hurt even when everyone is in view, and more fte help with diminishing returns;
* a curve of points: linear between them, flat beyond the ends.

Pure functions: no state, no randomness. `upper_bound` is the bound the engine thins against
(`sim.hazards`): the served multiplier is exact at full precision, nothing is rounded.
"""

from __future__ import annotations

from bisect import bisect_right

from sporen.inputs.schema import Track


def served_multiplier(track: Track, caseload: float) -> float:
    """The track's served multiplier when its caseworkers carry `caseload` clients per fte."""
    curve = track.intensity
    if curve is None:
        return track.served_work_multiplier
    if curve.curve is not None:
        xs = [p.caseload for p in curve.curve]
        ys = [p.multiplier for p in curve.curve]
        if caseload <= xs[0]:
            return ys[0]
        if caseload >= xs[-1]:
            return ys[-1]
        i = bisect_right(xs, caseload) - 1
        share = (caseload - xs[i]) / (xs[i + 1] - xs[i])
        return ys[i] + share * (ys[i + 1] - ys[i])
    assert curve.reference_caseload is not None and curve.half_effect_caseload is not None
    h, ref = curve.half_effect_caseload, curve.reference_caseload
    return 1.0 + (track.served_work_multiplier - 1.0) * (h + ref) / (h + max(caseload, 0.0))


def caseload(in_view: int, fte: float) -> float:
    """Clients in view per fte (0 when the role has no fte: nobody is in view then)."""
    return in_view / fte if fte > 0 else 0.0


HEADROOM = 1.10
"""A new upper multiplier is the multiplier in force x HEADROOM (the engine's thinning bound). BMWE's
multipliers drift by about 7% over four years: with 10% headroom their bound is set once, and
about 1 in 20 of the work candidates of clients in view is rejected (cheaper than restating)."""
SLACK = 1.25
"""The upper multiplier is kept while it is at most the multiplier in force x SLACK."""


def upper_bound(value: float, upper: float) -> float:
    """The upper served multiplier a track's profiles use from now, given the one in use.

    It must be at least `value` (the multiplier in force) for thinning to be exact; it is kept
    while `value` stays within [upper / SLACK, upper], so a caseload that drifts a little changes
    nothing but the acceptance ratio, and reset to value x HEADROOM when it leaves that band."""
    if value <= upper <= value * SLACK:
        return upper
    return max(value, 0.0) * HEADROOM
