from __future__ import annotations

from kithkin.cli.main import main

main()
