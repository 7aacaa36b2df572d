"""The demo network: a fictional CIO's two years of networking, written by the project.

- `words`: the names, companies and story fragments (all written by the project);
- `people`: the people, what I know of them and how often we meet;
- `mail`: four months of an inbox around them (lists, marketing, spam and person mail);
- `build`: plans it all from one seeded generator and writes it in one transaction.
"""

from __future__ import annotations

from kithkin.demo.build import DemoSummary, build_demo

__all__ = ["DemoSummary", "build_demo"]
