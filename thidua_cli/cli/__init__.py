"""The `thidua` command: typer commands that parse options, call one library function each,
and pick a formatter by name. Importing this package registers every command on `app`, in the
order `--help` lists them."""

# isort: off
from thidua_cli.cli import check, entry, compute, audit, upkeep  # noqa: F401  (each registers its commands)
from thidua_cli.cli.app import app
from thidua_cli.cli.usage import main

# isort: on

__all__ = ["app", "main"]
