"""Browser tests: real Debian Chromium driven by Playwright against Django's live server."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("NAZORAT_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (browser tests never download one)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"],
    }


@pytest.fixture
def page(page, live_server):
    """A page that may only talk to the live server: anything else (fonts, tiles, CDNs) is refused."""
    origin = live_server.url

    def guard(route):
        if route.request.url.startswith(origin) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", guard)
    page.set_default_timeout(15000)
    return page


def pytest_collection_modifyitems(items):
    # The live server needs committed data; serialized_rollback restores the reference data (territories
    # shipped by migrations) after each browser test empties the tables.
    for item in items:
        if item.fspath and "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture
def demo_world(django_capture_on_commit_callbacks):
    from nazorat.core import demo

    with django_capture_on_commit_callbacks(execute=True):
        demo.seed()
    return demo
