"""pmsite: a static-site report generator for IT project, program and portfolio offices."""

from __future__ import annotations

__version__ = "0.1.0"
