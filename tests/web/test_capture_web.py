"""Capture over HTTP: `/api/captures` (multipart with X-Kithkin-Upload), a kept draft, its
photo, saving it as edited or into a person, the story answers; and the pages' forms."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kithkin.services import capture as service
from tests.builders.cards import qr_png
from tests.web.conftest import add_person, post_form, token_of

UPLOAD = {"X-Kithkin-Upload": "1"}
MECARD = "MECARD:N:Okafor,Sam;ORG:Okafor Design;EMAIL:sam@okafor.example;TEL:+442079460958;;"


def test_the_api_reads_saves_and_records_the_story(client: TestClient) -> None:
    png = qr_png(MECARD)
    answer = client.post(
        "/api/captures",
        files=[("files", ("code.png", png, "image/png"))],
        data={"text": "Priya Rahman · priya@copperleaf.example"},
        headers=UPLOAD,
    )
    assert answer.status_code == 200, answer.text
    drafts = answer.json()["drafts"]
    assert [d["source"] for d in drafts] == ["qr", "text"]
    sam = drafts[0]
    assert {f["kind"]: f["value"] for f in sam["fields"]}["email"] == "sam@okafor.example"
    assert sam["has_image"] is True
    image = client.get(f"/api/captures/{sam['id']}/image")
    assert image.status_code == 200 and image.content == png
    assert image.headers["content-type"] == "image/png"

    fields = [{"kind": f["kind"], "value": f["value"], "label": f["label"]} for f in sam["fields"]]
    fields[0]["value"] = "Samuel Okafor"  # edited
    saved = client.post(f"/api/captures/{sam['id']}/save", json={"fields": fields})
    assert saved.status_code == 200, saved.text
    assert saved.json()["display_name"] == "Samuel Okafor" and saved.json()["outcome"] == "new"
    pid = saved.json()["person_id"]
    assert client.get(f"/api/captures/{sam['id']}").status_code == 404  # saved: gone
    photo = client.get(f"/people/{pid}/photo")
    assert photo.status_code == 200 and photo.content == png

    story = client.post(
        f"/api/people/{pid}/capture-story",
        json={"met_where": "Design Week", "what_they_do": "type design", "on": "2026-03-14"},
    )
    assert story.status_code == 201, story.text
    assert [(f["field"], f["text"], f["learned_where"], f["learned_on"]) for f in story.json()] == [
        ("other", "Met at Design Week", "Design Week", "2026-03-14"),
        ("work", "type design", "Design Week", "2026-03-14"),
    ]

    priya = drafts[1]
    assert client.delete(f"/api/captures/{priya['id']}").status_code == 204
    assert client.delete(f"/api/captures/{priya['id']}").status_code == 404


def test_a_draft_is_added_to_the_person_it_looks_like(client: TestClient) -> None:
    dana = add_person(client, display_name="Dana Whitfield", organisation="Northwind")
    answer = client.post(
        "/api/captures", data={"text": "Dana Whitfield\nCOO, Northwind\ndana@nw.example"},
        headers=UPLOAD,
    )  # fmt: skip
    draft = answer.json()["drafts"][0]
    assert draft["matches"][0]["person_id"] == dana and not draft["matches"][0]["exact"]
    saved = client.post(f"/api/captures/{draft['id']}/save", json={"into": dana}).json()
    assert (saved["person_id"], saved["outcome"]) == (dana, "added")
    person = client.get(f"/api/people/{dana}").json()
    assert "dana@nw.example" in [c["value"] for c in person["contact_points"]]


def test_uploads_need_the_header_and_bad_files_are_one_line(client: TestClient) -> None:
    refused = client.post("/api/captures", files=[("files", ("a.png", b"x", "image/png"))])
    assert refused.status_code == 415
    answer = client.post(
        "/api/captures", files=[("files", ("junk.bin", bytes(range(256)), "application/x"))],
        headers=UPLOAD,
    )  # fmt: skip
    assert answer.json() == {"drafts": [], "errors": ["junk.bin: not an image, a vCard or text"]}
    big = client.post(
        "/api/captures",
        files=[("files", ("big.jpg", b"\xff\xd8\xff" + bytes(service.MAX_BYTES), "image/jpeg"))],
        headers=UPLOAD,
    )
    assert big.status_code == 400 and "too big" in big.text


def test_the_pages_read_review_save_and_ask_for_the_story(client: TestClient) -> None:
    page = client.get("/capture")
    assert 'accept="image/*" capture="environment"' in page.text
    token = token_of(page.text)
    posted = client.post(
        "/capture",
        data={"csrf_token": token, "text": "Sam Okafor\nsam@okafor.example"},
        files=[("photo", ("", b"", "application/octet-stream"))],
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    review = client.get(posted.headers["location"])
    assert 'value="sam@okafor.example"' in review.text
    draft_id = int(posted.headers["location"].rsplit("/", 1)[1])
    saved = post_form(
        client, f"/capture/{draft_id}", f"/capture/{draft_id}/save",
        field_kind_0="name", field_value_0="Sam Okafor",
        field_kind_1="email", field_value_1="sam@okafor.example",
        field_kind_2="phone", field_value_2="+44 20 7946 0958",
    )  # fmt: skip
    assert saved.status_code == 200
    assert "Now learn Sam Okafor" in saved.text
    pid = int(re.search(r'action="/capture/story/(\d+)"', saved.text).group(1))  # type: ignore[union-attr]
    done = post_form(
        client, f"/capture/story/{pid}", f"/capture/story/{pid}",
        met_where="a dinner", learned="rows at dawn",
    )  # fmt: skip
    assert done.status_code == 200 and "rows at dawn" in done.text
    person = client.get(f"/api/people/{pid}").json()
    assert "+44 20 7946 0958" in [c["value"] for c in person["contact_points"]]

    empty = post_form(client, "/capture", "/capture", text="   ")
    assert empty.status_code == 400 and "choose a photo" in empty.text


def test_a_page_upload_over_the_limit_is_refused_before_it_is_read(client: TestClient) -> None:
    from kithkin.web.capture import MAX_UPLOAD_TOTAL

    token = token_of(client.get("/capture").text)
    big = b"\xff\xd8\xff" + bytes(MAX_UPLOAD_TOTAL)
    answer = client.post(
        "/capture", data={"csrf_token": token}, files=[("files", ("big.jpg", big, "image/jpeg"))]
    )
    assert answer.status_code == 413 and "the upload passes 100 MB" in answer.text
