"""The page's panels, one module each; every module has one function that registers the panel's
outputs and effects for a session's `web.session.Page`:

| module | panel |
|---|---|
| `scenario` | the sidebar's scenario list and the uploads (read off the event loop, bounded) |
| `controls` | the sidebar's controls, "back to the current formation", redrawing on a language switch |
| `simulation` | a control change -> a request -> a simulation in a worker thread (the newest wins); the status line |
| `results` | the header, the cards, the result per year, the formation and cost, the caseload |
| `optimiser` | the optimiser button, its progress and its answer |
| `sensitivity` | which assumptions decide: the tornado and the robustness of the plan (a shared cache) |
| `downloads` | plan.yaml, variant.yaml, the report and the workbook of the current plan |
| `monitor` | actuals from the browser: the re-forecast of the current plan, the flag and the fan chart |
"""
