"""Logging in through the real form; the app's static files load from the app itself."""

import re

import pytest
from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation
from playwright.sync_api import Page, expect

from crm.models import User

from .conftest import BROWSER_TEST, login, submit_login

pytestmark = BROWSER_TEST


def test_a_rep_logs_in_and_lands_on_the_home_page_with_the_menu(page: Page, cast):
    login(page, "rep")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("a.user-name")).to_have_text(str(cast.rep))
    expect(page.locator("nav.menu a[href='/leads/mine/']")).to_have_count(1)
    assert User.objects.get(pk=cast.rep.pk).last_login is not None


def test_the_pages_styles_and_scripts_come_from_the_apps_static_files(page: Page, cast):
    login(page, "rep")

    for path in ("/static/css/app.css", "/static/js/app.js", "/static/vendor/htmx.min.js"):
        assert page.request.get(path).status == 200, path
    assert page.evaluate("typeof window.htmx") == "object"
    # app.css hides the phone menu's toggle on a desktop screen.
    expect(page.locator("label.nav-toggle-label")).to_be_hidden()


def test_a_wrong_password_shows_the_error_and_nothing_else(page: Page, cast):
    submit_login(page, "rep", "not-the-password")

    with translation.override("fr"):
        username = User._meta.get_field("username").verbose_name
        expected = str(AuthenticationForm.error_messages["invalid_login"] % {"username": username})
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.locator(".form-errors[role=alert]")).to_have_text(expected)
    expect(page.locator(".field-error")).to_have_count(0)
    expect(page.locator("header.topbar")).to_have_count(0)
    expect(page.locator("#id_username")).to_have_value("rep")
    expect(page.locator("#id_password")).to_have_value("")
    assert not any(cookie["name"] == "sessionid" for cookie in page.context.cookies())
    assert User.objects.get(pk=cast.rep.pk).last_login is None


@pytest.mark.parametrize("path", ["/leads/mine/", "/prints/third-parties/1/"])
def test_a_visitor_is_sent_to_the_login_form(page: Page, path):
    page.goto(path)

    expect(page).to_have_url(re.compile(r"/login/\?next="))
    expect(page.locator("#id_username")).to_be_visible()
