"""The practices of the brief: decisions and scores over typed records, no I/O of their own.

Each module holds pure functions over the records of `kithkin.model` (what the tests exercise
with small fixtures). Reading the store, refreshing relationships and writing what a practice
decided is the use cases' part (`kithkin.services`); the commands a user types are the
interfaces' part.

- `strength`: how strong each relationship is (0-100, a tier), and its explanation;
  `tally`: a relationship read interaction by interaction (what the store keeps);
  `waiting`: whose messages wait for my answer; `refresh`: when a stored tally can take more.
- `fading`: conversations that are fading, and why, in one line.
- `circle`: the circle (P1): cadences, due and overdue members, suggestions.
- `brief`: the recall card before a meeting (P3), with conversation starters (P2).
- `today`: the daily agenda, every item with its reason.
- `hygiene`: the inbox's hygiene.
"""
