"""The embedding model is read from the wordllama package's own folder: no network, ever."""

from __future__ import annotations

import subprocess
import sys

from kithkin.practices import meaning

NO_NETWORK = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network access attempted")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from kithkin.practices import meaning
rows = meaning.similarities(["hiring a security chief"], ["CISO at a bank", "pastry chef"])
print(rows[0][0] > rows[0][1])
"""


def test_the_model_ships_in_the_wheel() -> None:
    assert meaning.available()


def test_it_loads_and_ranks_with_the_network_refused() -> None:
    done = subprocess.run(
        [sys.executable, "-c", NO_NETWORK], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_meaning_beyond_shared_words() -> None:
    rows = meaning.similarities(
        ["raising money for a charity"], ["donors and philanthropy", "kubernetes upgrades"]
    )
    assert rows[0][0] > rows[0][1]
    assert meaning.similarities([], ["x"]) == []
    assert meaning.similarities(["x"], []) == [[]]
