"""smm serve: a local, read-only web dashboard of smmcore workspaces.

Pages are rendered on the server (Starlette + Jinja2 with autoescaping) from the same report
model ``smm report --format json`` writes; charts are the report's inline SVG charts; no
script runs in the page and nothing is loaded from the network.
"""

__version__ = "0.1.0"
