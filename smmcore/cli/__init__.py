"""The ``smm`` command line. :mod:`smmcore.cli.main` holds the root group."""
