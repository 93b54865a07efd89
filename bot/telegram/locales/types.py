"""The shape of a catalog entry: a template, or plural forms of one."""

from __future__ import annotations

Entry = str | dict[str, str]
