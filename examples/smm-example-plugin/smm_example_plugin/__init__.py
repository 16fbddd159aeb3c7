"""An example third-party smmcore plugin."""
