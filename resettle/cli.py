"""The one `resettle` entry point: Django's manage.py, installed as a console script.

Our own commands are spelled with hyphens on the command line (`resettle import-records`), as
the issue tracker and the README say, while Python modules need underscores; we translate here
so every Django command (`migrate`, `runserver`, `shell`) keeps working beside ours.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resettle.settings")
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
