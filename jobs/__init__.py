"""The application layer: one module per command, no click.

Each job takes a validated options object (`jobs.options`, pydantic) and returns its result; the
CLI (`cli.py`), the Python API (`jobs.api`, re-exported as `sporen.simulate` and so on) and the
web page call the same jobs. One place each for: option checks (`options`), default run folders
and their names (`runs`), SIGTERM handling (`signals`); writing a run folder whole is
`outputs.rundir`, files whole `common.files`, the manifest `outputs.tables.build_manifest`.

Layers: cli -> jobs -> {optimise, calibration, outputs} -> sim -> inputs -> common.
"""
