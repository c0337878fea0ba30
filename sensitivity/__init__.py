"""Global sensitivity: which assumptions decide whether a plan closes the deficit.

* `sampling`: the factors (the scenario's `uncertainty:` ranges, parameters a user names with a
  range, and the seed as the intrinsic noise) and Saltelli's sample over them;
* `evaluate`: one simulated future per sample point, parameters set and seed chosen (common
  random numbers), reduced to the yearly result after vangnet where the simulations run;
* `goal`: the target in this package's terms (whether a future meets it);
* `indices`: first- and total-order Sobol indices with bootstrap intervals (SALib);
* `metamodel`: a quadratic regression over the factors, its Sobol indices (the cheap check);
* `tornado`: each assumption at its low and high end, the others at their centre;
* `robustness`: the plan with the most influential assumptions at their pessimistic end.

`sporen sensitivity` is `jobs.sensitivity`; docs/sensitivity.md explains the method.
"""
