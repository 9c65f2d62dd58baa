"""The pluggy markers, created once for the whole project."""

import pluggy

PROJECT_NAME = "salesplan"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
