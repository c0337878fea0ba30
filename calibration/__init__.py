"""Calibration: fit a scenario's exit hazards and application rates to an observed history.

* `observed`: the observed caseloads and flows (reader and checks);
* `window`: the scenario moved to the observation window with fitted multipliers, and what one
  replication of it contributes;
* `fit`: the objective and the least-squares fit (scipy), simulated through the shared runner;
* `writer`: the calibrated scenario as YAML, each fitted value with its source.

`sporen calibrate` is `jobs.calibrate`; docs/calibration.md explains the method.
"""
