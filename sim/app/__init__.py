"""`sim app`: a what-if page over the levers file for people who do not write YAML.

The page itself (:mod:`sim.app.page`) is a Streamlit script; everything it decides is in
plain modules beside it, tested without a browser: the package chosen on the page as a
scenario (:mod:`sim.app.choice`), quick and full run settings (:mod:`sim.app.modes`), the
cache of runs (:mod:`sim.app.cache`), the run-time estimate (:mod:`sim.app.timing`), one
run as a background job (:mod:`sim.app.jobs`, :mod:`sim.app.outcome`) and the "about the
model" tab (:mod:`sim.app.about`).
"""
