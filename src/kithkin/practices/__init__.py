"""The practices of the brief: decisions and scores computed from store reads, no I/O of their own.

Each module holds pure functions over plain records (what the tests exercise with small
fixtures) and, where an interface needs it, one function that reads what they need through
the store's named functions and hands it to them.

- `strength`: how strong each relationship is (0-100, a tier), and its explanation;
  `waiting`: whose messages wait for my answer; `refresh`: the relationship table kept fresh.
- `fading`: conversations that are fading, and why, in one line.
- `circle`: the circle (P1): cadences, due and overdue members, suggestions, the cap.
- `brief`: the recall card before a meeting (P3), with conversation starters (P2).
- `today`: the daily agenda, every item with its reason and actions.
"""
