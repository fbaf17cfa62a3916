"""The ``jaga`` command: everything ``manage.py`` would do, with Jaga's own commands listed first."""

from __future__ import annotations

import os
import sys


def _print_jaga_help() -> None:
    from django.core.management import get_commands, load_command_class

    print("Usage: jaga <command> [options]\n")
    print("Jaga's own commands:")
    for name, app in sorted(get_commands().items()):
        if not app.startswith("jaga."):
            continue
        help_text = load_command_class(app, name).help.strip().splitlines()[0]
        print(f"  {name:<14} {help_text}")
    print("\nEvery Django command works too (migrate, createsuperuser, check, shell, ...):")
    print("  jaga help --commands   lists them all; jaga help COMMAND explains one.")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaga.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    argv[0] = "jaga"
    try:
        if len(argv) < 2 or argv[1] in {"--help", "-h"}:
            django.setup()
            _print_jaga_help()
            return
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"jaga: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
