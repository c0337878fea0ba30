"""The what-if page (`sporen serve`): a presentation layer like cli.py.

Layers: web may import jobs, inputs and common; the simulation behind every control goes through
`jobs.whatif` (the application layer), never around it.
"""
