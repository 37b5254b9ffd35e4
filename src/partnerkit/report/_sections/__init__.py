"""One module per report section, each with a ``build(context)`` returning its blocks."""
