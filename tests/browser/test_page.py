"""The web page in real headless Chromium against ``pixelscript serve``: a person types
the key and a short plot, watches every stage go to done, plays the film and
downloads what it made."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from shared.pipeline import stage_names
from tests.browser.server import ServedApp

pytestmark = pytest.mark.slow

PLOT = "Two friends race paper boats down a gutter after the rain."
#: Generous: the whole pipeline on 2 shared cores; every wait ends on a condition.
FILM_TIMEOUT_MS = 240_000
PHONE = {"width": 375, "height": 812}

# Records every stage's status changes, so the test can tell the page was live.
_WATCH_STAGES = """
() => {
  window.__stageHistory = {};
  const record = (item) => {
    const name = item.dataset.stage, status = item.dataset.status;
    const seen = (window.__stageHistory[name] ||= []);
    if (status && seen[seen.length - 1] !== status) seen.push(status);
  };
  new MutationObserver((changes) => {
    for (const change of changes) {
      const target = change.target.closest ? change.target.closest("li[data-stage]") : null;
      if (target) record(target);
      for (const node of change.addedNodes || []) {
        if (node.dataset && node.dataset.stage) record(node);
      }
    }
  }).observe(document.getElementById("stages"), {
    subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"],
  });
}
"""

_UNLABELLED_CONTROLS = """
() => [...document.querySelectorAll("input, select, textarea")]
  .filter((el) => el.type !== "hidden" && el.labels.length === 0 && !el.getAttribute("aria-label"))
  .map((el) => el.id || el.name)
"""

_VIDEO_LOADED = """
() => {
  const video = document.getElementById("player");
  return video.readyState >= 1 && video.duration > 0;
}
"""


def _expected_downloads() -> set[str]:
    names = {"fountain"}
    stages = set(stage_names())
    if "mixer" in stages:
        names |= {"subtitles_srt", "subtitles_vtt"}
    if "render" in stages:
        names.add("movie")
    return names


def _key_and_form(page: Any, served: ServedApp) -> None:
    """A person without the key is told to enter it; with it, a bad plot is refused next
    to the field."""
    from playwright.sync_api import expect

    # Every control has a label a screen reader can read.
    assert page.evaluate(_UNLABELLED_CONTROLS) == []

    # Without a key the form cannot start a job: the page says so.
    page.get_by_label("Plot").fill(PLOT)
    page.get_by_label("Director").fill("Wes Anderson")
    page.get_by_role("button", name="Make the film").click()
    expect(page.locator("#form-error")).to_contain_text("API key")

    # Given the key, typed in as a person would, the director picker fills from the catalog
    page.get_by_label("API key", exact=True).fill(served.key)
    page.get_by_role("button", name="Save key").click()
    expect(page.locator("#key-status")).to_contain_text("saved")
    expect(page.locator("#director-list option")).not_to_have_count(0)

    # A bad request is refused field by field, next to the field.
    page.get_by_label("Plot").fill("   ")
    page.get_by_role("button", name="Make the film").click()
    expect(page.locator("#plot-error")).to_have_text("must not be empty")
    expect(page.get_by_label("Plot")).to_have_attribute("aria-invalid", "true")


def _every_stage_done(page: Any) -> None:
    from playwright.sync_api import expect

    for name in stage_names():
        expect(page.locator(f'#stages li[data-stage="{name}"]')).to_have_attribute(
            "data-status", "done", timeout=FILM_TIMEOUT_MS
        )
    expect(page.locator("#job-status")).to_have_text("Finished.")
    # The view was live: stages were seen running before they were done.
    history: dict[str, list[str]] = page.evaluate("() => window.__stageHistory")
    assert all(statuses[-1] == "done" for statuses in history.values()), history
    assert any("running" in statuses for statuses in history.values()), history
    for name in stage_names():
        seconds = page.locator(f'#stages li[data-stage="{name}"] .stage-time').inner_text()
        assert seconds.endswith(" s"), (name, seconds)


def _film_and_pictures(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#script .sp-heading").first).to_be_visible()
    if "render" in stage_names():
        expect(page.locator("#player-section")).to_be_visible()
        page.wait_for_function(_VIDEO_LOADED, timeout=30_000)
        assert page.evaluate("() => document.getElementById('player').duration") > 0
    else:
        # Until the render stage exists there is no film to play.
        expect(page.locator("#player-section")).to_be_hidden()
    if page.locator("#storyboard-section").is_visible():
        page.wait_for_function("() => document.getElementById('storyboard').naturalWidth > 0")


def _downloads_answer(page: Any, served: ServedApp) -> None:
    links = page.locator("#downloads a")
    names = {links.nth(i).get_attribute("data-artifact") for i in range(links.count())}
    assert names >= _expected_downloads(), names
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        reply = page.request.get(urljoin(served.url, href))
        assert reply.status == 200, (href, reply.status)
        assert reply.headers["content-disposition"].startswith("attachment")
        assert len(reply.body()) > 0


def test_a_short_plot_becomes_a_film_on_the_page(
    served: ServedApp, browser: Any, artifacts_dir: Path
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(served.url)
        _key_and_form(page, served)

        # When a short plot is submitted
        page.get_by_label("Plot").fill(PLOT)
        page.get_by_label("Aspect and size").select_option("480p")
        page.get_by_label("Scenes at most").fill("3")
        page.get_by_role("button", name="Make the film").click()
        expect(page.locator("#stages li")).to_have_count(len(stage_names()))
        page.evaluate(_WATCH_STAGES)

        # Then every stage goes to done, the screenplay, pictures and film show,
        # every download answers, and the job leads the recent list
        _every_stage_done(page)
        _film_and_pictures(page)
        _downloads_answer(page, served)
        expect(page.locator("#job-list .job-director").first).to_have_text("Wes Anderson")
        page.screenshot(path=str(artifacts_dir / "finished-1280.png"), full_page=True)

        # and on a phone-width screen nothing runs off the side.
        page.set_viewport_size(PHONE)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{overflow}px wider than a 375px screen"
        page.screenshot(path=str(artifacts_dir / "finished-375.png"), full_page=True)
        assert problems == [], problems
    except BaseException:
        page.screenshot(path=str(artifacts_dir / "failure.png"), full_page=True)
        print(served.log_tail())
        raise
    finally:
        page.close()


def test_the_key_in_the_address_is_kept_and_taken_out_of_the_address(
    served: ServedApp, browser: Any
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        # `pixelscript serve` prints the page's address with the key in the fragment.
        page.goto(f"{served.url}#key={served.key}")
        expect(page.locator("#key-summary")).to_have_text("API key saved · change")
        assert "key=" not in page.url
        assert page.evaluate("() => localStorage.getItem('pixelscript.apiKey')") == served.key
        expect(page.locator("#director-list option")).not_to_have_count(0)
        # A reload keeps the key (and the page still works without the fragment).
        page.reload()
        expect(page.locator("#key-summary")).to_have_text("API key saved · change")
        expect(page.get_by_role("button", name="Make the film")).to_be_visible()
    finally:
        context.close()
