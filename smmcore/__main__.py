"""``python -m smmcore``: the same as the ``smm`` command."""

from smmcore.cli.main import main

if __name__ == "__main__":
    main()
