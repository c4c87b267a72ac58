"""wpmigrate: WordPress to Markdown, losing nothing.

The pipeline, one module each:  importers/ -> convert/ -> emit/ -> plan.py -> writer.py,
composed by pipeline.run() and driven by the thin cli.py.
"""

__version__ = "0.1.0"
