"""Everything that touches the outside world on the user's behalf: DKIM checks before a
one-click unsubscribe (RFC 8058), the unsubscribe POST itself, and unsubscribe mail over SMTP.

Each module does one thing, refuses unsafe targets before any connection is made, and
reports its outcome in one line.
"""
