"""The preview renders in the spawned render worker: a template that asks for gigabytes is
reported in the preview, the window's own process never grows, and choosing another
template renders again (issue 15, item 7)."""

from __future__ import annotations

import resource

from briefer.export import isolation
from briefer.ui.preview_dock import PreviewDock

from outline_support import Project


def test_a_greedy_template_in_the_preview_is_reported_and_the_next_one_renders(project: Project, qtbot) -> None:
    folder = project.path.parent / "templates" / "greedy"
    folder.mkdir(parents=True)
    (folder / "template.md.j2").write_text("{{ 'a'|center(10**10) }}\n", encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    preview = PreviewDock(project.service)
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitUntil(lambda: preview.renders == 1, timeout=30000)
    assert "Controls backfire" in preview.view.toPlainText()
    assert not isolation._can_fork()  # Qt is loaded: the window never forks

    preview.template.setCurrentIndex(preview.template.findData("greedy"))
    preview.refresh()
    qtbot.waitUntil(lambda: preview.renders == 2, timeout=30000)
    assert "greedy/template.md.j2" in preview.error and "512 MB" in preview.error
    assert "512 MB" in preview.view.toPlainText()
    # ru_maxrss is in KiB: the ten gigabytes were asked of the worker, not of this process.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024

    preview.template.setCurrentIndex(preview.template.findData("memo"))
    preview.refresh()
    qtbot.waitUntil(lambda: preview.renders == 3, timeout=30000)
    assert preview.error == "" and "Controls backfire" in preview.view.toPlainText()
