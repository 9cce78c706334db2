"""The dashboard as a QA engineer uses it, in headless Chromium: the served emulator's and the
served proxy's, each behind its control token."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from mocks import ZoomEmulator
from mocks.core.clock import iso
from mocks.proxy.zoom_proxy import ZoomProxy
from mocks.serving.server import ServedEmulator
from tests.browser import ARGS, CHROMIUM, needs_chromium

pytestmark = needs_chromium("the dashboard's browser test")
SECRET = "dashboard-client-secret-0123456789abcdef"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"


@dataclass
class Site:
    """What the browser opens (the served emulator or the proxy in front of it) and the Zoom
    client's view of it."""

    served: ServedEmulator
    kind: str
    emulator: ZoomEmulator
    client_id: str
    account_id: str

    def token(self) -> str:
        grant = {"grant_type": "account_credentials", "account_id": self.account_id}
        answer = httpx.post(f"{self.served.url}/oauth/token", data=grant, auth=(self.client_id, SECRET))
        answer.raise_for_status()
        return str(answer.json()["access_token"])


@pytest.fixture(params=["emulator", "proxy"])
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    with ServedEmulator() as zoom:
        emulator: ZoomEmulator = zoom.emulator  # type: ignore[assignment]
        credentials = emulator.ready_account(domain="dash.example", client_secret=SECRET)
        if request.param == "emulator":
            yield Site(zoom, "emulator", emulator, credentials.client_id, credentials.account_id)
            return
        proxy = ZoomProxy(upstream_token_url=zoom.url, upstream_api_url=zoom.url)
        with ServedEmulator(proxy) as served_proxy:
            yield Site(served_proxy, "proxy", emulator, credentials.client_id, credentials.account_id)


def _create(site: Site, bearer: str, user_name: str) -> httpx.Response:
    body = {"schemas": [CORE], "userName": user_name, "name": {"givenName": "Dana", "familyName": "Board"}}
    return httpx.post(f"{site.served.url}/scim2/Users", json=body, headers={"Authorization": f"Bearer {bearer}"})


def test_a_person_follows_the_api_live_injects_a_429_and_sees_no_secret(site: Site) -> None:
    from playwright.sync_api import expect, sync_playwright

    control_token = site.served.control_token
    assert control_token
    bearer = site.token()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(f"{site.served.url}/_emulator/dashboard?every=200")  # five updates a second, for the test's pace
        # Not signed in: the login form, and the token never in a URL.
        assert page.url.endswith("/_emulator/login?next=/_emulator/dashboard%3Fevery%3D200"), page.url
        page.fill("#token", control_token)
        page.click("button[type=submit]")
        page.wait_for_url("**/_emulator/dashboard?every=200")
        title = "Zoom proxy" if site.kind == "proxy" else "Zoom emulator"
        expect(page.locator("#title")).to_have_text(title)
        expect(page.locator("#live")).to_contain_text("live, updated")
        assert page.evaluate("document.cookie") == "", "the session cookie must be HttpOnly"
        page.evaluate("window.stayed = true")  # gone if the page reloads

        created = _create(site, bearer, "dana.board@dash.example")
        assert created.status_code == 201, created.text
        user_id = created.json()["id"]
        if site.kind == "emulator":
            row = page.locator("#users-rows tr", has_text="dana.board@dash.example")
            expect(row).to_contain_text("Dana Board")
            expect(row).to_contain_text(user_id)
            expect(page.locator("#accounts-rows")).to_contain_text(site.account_id)
            expect(page.locator("#apps-rows")).to_contain_text("user:write:admin")
            expect(page.locator("#tokens-rows")).to_contain_text("live")
        else:
            expect(page.locator("#upstream-rows")).to_contain_text(site.emulator.api_base_url)
        exchange = page.locator("#journal-rows tr", has_text="/scim2/Users").filter(has_text="201")
        expect(exchange).to_have_count(1)
        exchange.click()
        expect(page.locator("#exchange-title")).to_contain_text("POST")
        expect(page.locator("#exchange-request-headers")).to_contain_text("authorization: Bearer [REDACTED]")
        expect(page.locator("#exchange-request-body")).to_contain_text('"userName": "dana.board@dash.example"')
        expect(page.locator("#exchange-response-body")).to_contain_text(user_id)

        # A 429 through the form: the next create is answered 429, and the page shows it.
        page.select_option("#fault-route", "scim.users.create")
        page.fill("#fault-form input[name=status]", "429")
        page.fill("#fault-form input[name=retry_after]", "2")
        page.click("#fault-form button[type=submit]")
        expect(page.locator("#fault-result")).to_contain_text("Injected: scim.users.create, answers 429")
        expect(page.locator("#faults-rows")).to_contain_text("scim.users.create")
        refused = _create(site, bearer, "erin.board@dash.example")
        assert refused.status_code == 429, refused.text
        assert refused.headers["retry-after"] == "2"
        page.fill("#filter-status", "429")
        refusal_row = page.locator("#journal-rows tr", has_text="fault: status 429")
        expect(refusal_row).to_have_count(1)
        expect(page.locator("#faults-rows tr")).to_have_count(0)  # used up (times 1)
        assert _create(site, bearer, "erin.board@dash.example").status_code == 201

        # A fault until cleared, then cleared from the page: calls go through again.
        page.fill("#fault-form input[name=times]", "")
        page.click("#fault-form button[type=submit]")
        expect(page.locator("#faults-rows")).to_contain_text("until cleared")
        assert _create(site, bearer, "finn.board@dash.example").status_code == 429
        page.click("#faults-clear")
        expect(page.locator("#fault-result")).to_have_text("Every fault cleared.")
        expect(page.locator("#faults-rows tr")).to_have_count(0)
        assert _create(site, bearer, "finn.board@dash.example").status_code == 201
        if site.kind == "emulator":
            page.fill("#users-search", "erin")
            expect(page.locator("#users-rows tr")).to_have_count(1)
            expect(page.locator("#users-rows")).to_contain_text("erin.board@dash.example")
            expect(page.locator("#users-count")).to_have_text("1 of 4")  # the owner, dana, erin, finn
            page.click("#freeze")
            expect(page.locator("#frozen")).to_have_text("(frozen)")
            frozen_at = site.emulator.clock.now()
            page.fill("#advance", "3600")
            page.click("#advance-go")
            expect(page.locator("#clock")).to_have_text(iso(frozen_at + 3600))

        assert page.evaluate("window.stayed") is True, "the page reloaded"
        shown = page.content() + page.locator("body").inner_text()
        for secret in (SECRET, bearer, control_token):
            assert secret not in shown, "a secret reached the page"
        assert errors == [], errors
        browser.close()


def test_the_page_is_one_self_contained_document_that_runs_only_its_own_script(site: Site) -> None:
    """Nothing from another site (the machine may be offline), no token, and a policy that lets
    only its own inline script run."""
    with httpx.Client(base_url=site.served.url, headers=site.served.control_headers) as http:
        page = http.get("/_emulator/dashboard")
        overview: dict[str, Any] = http.get("/_emulator/overview").json()
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy and "connect-src 'self'" in policy
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
    assert "http://" not in page.text and "https://" not in page.text and "src=" not in page.text
    assert site.served.control_token not in page.text
    assert overview["kind"] == site.kind
