"""The Import and Duplicates pages and their JSON API, through an in-process client."""

from __future__ import annotations

import re
from typing import Any

from tests.builders.contacts import vcard
from tests.web.conftest import JSON, add_person, token_of

XSS = "<script>alert(1)</script>"
UPLOAD = {"X-Kithkin-Upload": "1"}


BOBS = vcard(
    ("bob", "Bob Smith", "ORG:Acme\r\nEMAIL:bob@acme.example\r\n"),
    ("robert", "Robert Smith", "ORG:Acme Inc.\r\nEMAIL:robert@acme.example\r\nNOTE:board\r\n"),
)


def _upload(client: Any, *files: tuple[str, bytes], token: str | None = None) -> Any:
    token = token or token_of(client.get("/import").text)
    return client.post(
        "/import",
        data={"csrf_token": token},
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
    )


def test_the_import_page_uploads_files_and_shows_the_summary(client: Any) -> None:
    page = client.get("/import")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert 'href="/import" aria-current="page"' in page.text

    broken = b"BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nothing else\r\nEND:VCARD\r\n"
    response = _upload(client, ("bobs.vcf", BOBS), ("broken.vcf", broken))
    assert response.status_code == 200
    counts = dict(re.findall(r'<div class="count-(\w+)"><dt>\w+</dt><dd>(\d+)</dd>', response.text))
    assert counts == {"new": "2", "updated": "0", "merged": "0", "unchanged": "0", "skipped": "1"}
    assert "<code>broken.vcf</code>: card 1 (line 1): nothing to import" in response.text
    assert "Imported bobs.vcf, broken.vcf" in response.text

    again = _upload(client, ("bobs.vcf", BOBS))
    assert '<div class="count-unchanged"><dt>unchanged</dt><dd>2</dd>' in again.text


def test_the_import_form_needs_its_token_and_a_file(client: Any) -> None:
    refused = client.post("/import", files=[("files", ("a.vcf", BOBS, "text/vcard"))])
    assert refused.status_code == 403
    assert client.get("/api/people").json() == []
    token = token_of(client.get("/import").text)
    empty = client.post(
        "/import",
        data={"csrf_token": token},
        files=[("files", ("", b"", "application/octet-stream"))],
    )
    assert empty.status_code == 400
    assert "choose one or more files" in empty.text


def test_uploaded_text_is_escaped(client: Any) -> None:
    evil = vcard(("x", XSS, "ORG:Acme\r\n")) + b"BEGIN:VCARD\r\nNOTE:x\r\nEND:VCARD\r\n"
    response = _upload(client, ("<img src=x onerror=alert(1)>.vcf", evil))
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;.vcf</code>: card 2" in response.text
    add_person(client, display_name=XSS.replace("1", "2"), organisation="Acme")
    page = client.get("/duplicates")
    assert "<script>alert" not in page.text


def test_duplicates_side_by_side_then_merge_with_undo(client: Any) -> None:
    _upload(client, ("bobs.vcf", BOBS))
    page = client.get("/duplicates")
    assert page.status_code == 200
    assert "same organisation Acme; names Bob Smith ~ Robert Smith (nickname)" in page.text
    assert "90 %" in page.text
    assert "bob@acme.example" in page.text and "robert@acme.example" in page.text
    ids = [int(i) for i in re.findall(r'href="/people/(\d+)"', page.text)]
    keep, other = ids[0], ids[1]
    token = token_of(page.text)
    merged = client.post(
        "/duplicates/merge",
        data={"csrf_token": token, "keep": str(keep), "other": str(other)},
        follow_redirects=False,
    )
    assert merged.status_code == 303 and merged.headers["location"] == f"/people/{keep}"
    person = client.get(f"/people/{keep}")
    assert "Merged Robert Smith" in person.text and "Undo" in person.text
    assert "robert@acme.example" in person.text
    assert "No likely duplicates" in client.get("/duplicates").text
    client.post("/api/undo", headers=JSON)
    assert "Robert Smith" in client.get("/duplicates").text


def test_not_the_same_person_is_never_proposed_again(client: Any) -> None:
    _upload(client, ("bobs.vcf", BOBS))
    page = client.get("/duplicates").text
    a, b = re.findall(r'name="a" value="(\d+)"><input type="hidden" name="b" value="(\d+)"', page)[
        0
    ]
    response = client.post(
        "/duplicates/dismiss", data={"csrf_token": token_of(page), "a": a, "b": b}
    )
    assert "Noted: Bob Smith and Robert Smith are not the same person." in response.text
    assert "No likely duplicates" in response.text
    bad = client.post("/duplicates/dismiss", data={"csrf_token": token_of(page), "a": "x"})
    assert "reload the page" in bad.text


def test_the_json_api_imports_uploads_lists_and_dismisses(client: Any) -> None:
    files = [("files", ("bobs.vcf", BOBS, "text/vcard"))]
    imported = client.post("/api/import/contacts", files=files, headers=UPLOAD)
    assert imported.status_code == 200, imported.text
    body = imported.json()
    assert (body["new"], body["skipped"], body["label"]) == (2, 0, "bobs.vcf")
    assert len(body["person_ids"]) == 2 and body["activity_id"]
    [origin] = client.get(f"/api/people/{body['person_ids'][0]}/sources").json()
    assert (origin["source"], origin["source_id"], origin["source_file"]) == (
        "vcard",
        "bob",
        "bobs.vcf",
    )
    assert origin["place"].startswith("card 1")
    assert client.get("/api/people/999/sources").status_code == 404

    listed = client.get("/api/duplicates").json()
    [pair] = listed["pairs"]
    assert pair["score"] == 0.9 and pair["a"]["display_name"] == "Bob Smith"
    assert pair["evidence"] == [
        "same organisation Acme",
        "names Bob Smith ~ Robert Smith (nickname)",
    ]
    assert (listed["people"], listed["all_pairs"]) == (2, 1)
    assert client.get("/api/duplicates", params={"min_score": 2}).status_code == 422

    ids = {"a": pair["b"]["id"], "b": pair["a"]["id"]}
    dismissed = client.post("/api/duplicates/dismiss", json=ids)
    assert dismissed.json()["dismissed"] is True
    assert client.post("/api/duplicates/dismiss", json=ids).json()["dismissed"] is False
    assert client.get("/api/duplicates").json()["pairs"] == []
    missing = client.post("/api/duplicates/dismiss", json={"a": 1, "b": 99})
    assert missing.status_code == 404


def test_api_uploads_need_the_upload_header_and_the_same_origin(client: Any) -> None:
    files = [("files", ("bobs.vcf", BOBS, "text/vcard"))]
    plain = client.post("/api/import/contacts", files=files)
    assert plain.status_code == 415
    assert "X-Kithkin-Upload" in plain.json()["error"]
    foreign = client.post(
        "/api/import/contacts",
        files=files,
        headers={**UPLOAD, "Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    elsewhere = client.post("/api/people", files=files, headers=UPLOAD)
    assert elsewhere.status_code == 415  # the header opens only the upload route
    assert client.get("/api/people").json() == []


def test_openapi_describes_the_contacts_routes(client: Any) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "multipart/form-data" in paths["/api/import/contacts"]["post"]["requestBody"]["content"]
    assert "get" in paths["/api/duplicates"] and "post" in paths["/api/duplicates/dismiss"]
