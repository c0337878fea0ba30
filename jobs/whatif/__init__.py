"""The what-if page's backend (`sporen serve`): the application layer of the page, one package.

* `evaluate`: the futures the page simulates once per scenario, a plan's outcome on them, the
  probability of meeting the target, the tables the page shows;
* `files`: the downloads (plan.yaml, the variant, the report, the workbook) built from a view;
* `optimiser`: the optimiser button (the optimiser on the page's scenario, with its progress);
* `upload`: uploaded scenario and plan files, with their limits;
* `serve`: the `sporen serve` options and the start scenario.

The page itself (Shiny) is `sporen.web`; it imports this package and nothing else of jobs/.
"""
