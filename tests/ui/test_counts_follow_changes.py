"""The corpus and codebook counts follow each edit by recounting only the documents and tags
the edit touched (issue 17: a tagging cost what the project held), and stay exact through
tag, untag, delete and undo."""

from __future__ import annotations

from briefer.core.service import Change, ChangeArea


def _corpus_count(window, doc_id: int) -> int:
    model = window.corpus.model
    return int(model.row_data(doc_id, 3, 0))


def _codebook_count(window, tag_id: int) -> int:
    cell, shown = window.codebook._uses[tag_id]
    assert cell.text() == str(shown)
    return shown


def test_a_tagging_names_what_it_counts_and_the_docks_follow(window) -> None:
    service = window.service
    heard: list[Change] = []
    service.subscribe(heard.append)
    docs = [d.id for d in service.documents.all()]
    first, other = docs[0], docs[1]
    tag, second_tag = (t.id for t in service.tags.all()[:2])
    before = {d: _corpus_count(window, d) for d in docs}
    tag_before, second_before = _codebook_count(window, tag), _codebook_count(window, second_tag)

    pid = service.create_passage(document=first, start=0, end=5, tags=[tag])
    assert heard[-1] == Change(ChangeArea.PASSAGES, (pid,), (first,), (tag,))
    assert _corpus_count(window, first) == before[first] + 1
    assert _corpus_count(window, other) == before[other]
    assert _codebook_count(window, tag) == tag_before + 1

    service.add_passage_tag(pid, second_tag)
    assert heard[-1].documents == () and heard[-1].tags == (second_tag,)
    assert _codebook_count(window, second_tag) == second_before + 1
    service.update_passage(pid, note="why it matters")
    assert heard[-1].documents == () and heard[-1].tags == ()

    snap = service.delete_passage(pid)
    assert _corpus_count(window, first) == before[first]
    assert (_codebook_count(window, tag), _codebook_count(window, second_tag)) == (tag_before, second_before)
    service.restore_passage(snap)
    assert _corpus_count(window, first) == before[first] + 1
    assert _codebook_count(window, second_tag) == second_before + 1
    # A change that cannot say what it touched (autotag) recounts everything, and agrees.
    service.notify(ChangeArea.PASSAGES)
    assert {d: _corpus_count(window, d) for d in docs} == {**before, first: before[first] + 1}
    assert service.tags.counts()[tag] == _codebook_count(window, tag)
