"""`/api/search`, `/api/stats` and `/api/me`: what kithkin holds and who it thinks you are.

(The search page is the people list with a query: `web.people.people_page`.)"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request

from kithkin.services import me as myself
from kithkin.services import search as searching
from kithkin.web import guard
from kithkin.web.render import database
from kithkin.web.schemas import API_RESPONSES, MeIn, MeOut, SearchHitOut, StatsOut

api = APIRouter(prefix="/api", tags=["api"], responses=API_RESPONSES)
Limit = Annotated[int, Query(ge=1, le=500)]


@api.get("/search", summary="Ranked full-text search over names, stories and notes")
def search(request: Request, q: str, limit: Limit = 50) -> list[SearchHitOut]:
    hits = searching.search(database(request), actor=guard.actor(request), query=q, limit=limit)
    return [SearchHitOut.model_validate(asdict(hit)) for hit in hits]


@api.get("/stats")
def stats(request: Request) -> StatsOut:
    return StatsOut.model_validate(
        asdict(searching.stats(database(request), actor=guard.actor(request)))
    )


@api.get("/me")
def get_me(request: Request) -> MeOut:
    return MeOut.model_validate(
        asdict(myself.get_me(database(request), actor=guard.actor(request)))
    )


@api.put("/me")
def set_me(request: Request, body: MeIn) -> MeOut:
    me = myself.set_me(
        database(request), name=body.name, addresses=body.addresses, actor=guard.actor(request)
    )
    return MeOut.model_validate(asdict(me))
