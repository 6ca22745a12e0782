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
    if len(argv) > 2 and argv[1] == "help" and not argv[2].startswith("-"):
        argv[2] = argv[2].replace("-", "_")
    from django.core.management import ManagementUtility

    utility = ManagementUtility(argv)
    if len(argv) == 1 or argv[1] in ("help", "--help", "-h") and len(argv) == 2:
        sys.stdout.write(_main_help(utility) + "\n")
        return
    utility.execute()


def _main_help(utility) -> str:
    """Django's command list, with our own commands shown the way they are typed."""
    import django
    from django.core.management import get_commands

    django.setup()
    ours = {name for name, app in get_commands().items() if app.startswith("resettle")}
    lines = []
    for line in utility.main_help_text().splitlines():
        name = line.strip()
        lines.append(line.replace(name, name.replace("_", "-")) if name in ours else line)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
