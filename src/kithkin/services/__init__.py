"""Use cases: one keyword-only function per thing a user does.

The CLI, the web pages and the JSON API are adapters over this package: they parse what the
user typed or posted, call one use case, and render what it returns. A use case

- takes the `Database` first, then keyword-only arguments (`*, person: str | int, ...`) in the
  user's terms: a person is a name, an address, "#id" (a `str`) or an id (an `int`), a date or
  time is the text the user gave (parsed here, once, with a one-line error naming the option);
- owns its transaction (`db.read()` / `db.write()`), runs the relationship refresh at most once;
- reads the store, hands typed snapshots to the practices, writes what they decided;
- returns a frozen, typed result that carries its `warnings` (never prints, never builds a
  command line for the user to type);
- raises only the errors of `kithkin.errors`.

No business rule, date parsing or safety check lives in an adapter or is written twice: an
adapter that needs one asks a use case. Modules are named for the resource they act on.
"""
