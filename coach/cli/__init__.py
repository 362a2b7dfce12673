"""The command-line shell: one module per command."""
