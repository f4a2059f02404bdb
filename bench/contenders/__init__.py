"""Hand-written contenders `trailsweep scan` is measured against, one module each.

Every contender does the bundled rule's real work (see `rule`) on its own, without importing
trailsweep, and returns a `ContenderResult` whose `alerts` the bench compares with trailsweep's.
`bench/baselines.py NAME PATH` runs one of them in a fresh process, so that its peak RSS is its
own; only the module of that contender (and its engine) is imported there.
"""
