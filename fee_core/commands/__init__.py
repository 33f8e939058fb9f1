"""The built-in commands, one module each with ``register(subparsers)``: the sub-parser with its
help and ``set_defaults(func=...)``; the function returns an exit status and raises
``errors.UsageError`` for bad usage (``fee_core.cli`` turns it into exit status 2)."""
