#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    from lms.database import DatabaseSetupError, check_connection
    from lms.settings.environment import MissingEnvironmentError

    try:
        try:
            execute_from_command_line(sys.argv)
        except OperationalError:
            # If the server cannot be reached at all, say so in one line;
            # any other database error keeps its traceback.
            from django.conf import settings

            check_connection(settings.DATABASES["default"])
            raise
    except DatabaseSetupError as exc:
        # One clear line for whoever sets the project up, not a traceback.
        sys.stderr.write(f"Error de base de datos: {exc}\n")
        sys.exit(2)
    except MissingEnvironmentError as exc:
        # A production secret is missing: one line naming it, no traceback.
        sys.stderr.write(f"Error de configuración: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
