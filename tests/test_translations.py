"""The French catalogue: complete, compiled, in step with the code, and used by the pages.

French is the default language of the interface; English is available through set_language.
After changing a user-facing string:

    python manage.py makemessages -l fr --no-location --ignore=.venv --ignore=var --ignore=tests
    (translate the new entries in locale/fr/LC_MESSAGES/django.po, remove any "#, fuzzy")
    python manage.py compilemessages -l fr --ignore=.venv
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from crm.models import User

BASE_DIR = Path(settings.BASE_DIR)
PO_PATH = BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "fr",
    "--no-location",
    "--ignore=.venv",
    "--ignore=var",
    "--ignore=tests",
]
HOW_TO_UPDATE = (
    "run `python manage.py "
    + " ".join(MAKEMESSAGES)
    + "`, translate the new entries, then `python manage.py compilemessages -l fr --ignore=.venv`"
)

# Named printf-style placeholders: %(name)s, %(count)d, %(ratio).1f…
PLACEHOLDER = re.compile(r"%\(([^)]+)\)[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa]")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


def entry_key(entry: polib._BaseEntry) -> str:
    key = entry.msgid if not entry.msgctxt else f"{entry.msgctxt}\x04{entry.msgid}"
    return f"{key} | {entry.msgid_plural}" if entry.msgid_plural else key


def is_translated(entry: polib._BaseEntry) -> bool:
    return entry.translated()  # False for fuzzy, obsolete, empty msgstr or an empty plural form


def load_po(path: Path = PO_PATH) -> polib.POFile:
    assert path.exists(), f"{path} is missing: {HOW_TO_UPDATE}"
    return polib.pofile(str(path))


def test_every_french_entry_is_translated():
    po = load_po()
    assert po.metadata.get("Language") == "fr"
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=2;plural=(n>1);"
    assert len(po) > 0

    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    obsolete = [entry.msgid for entry in po.obsolete_entries()]
    assert not untranslated, f"Untranslated entries in {PO_PATH.name}: {untranslated}"
    assert not fuzzy, f"Fuzzy entries (check the translation, then remove the flag): {fuzzy}"
    assert not obsolete, f"Obsolete entries (strings gone from the code, delete them): {obsolete}"

    wrong_placeholders = []
    for entry in po:
        if entry.msgid_plural:
            expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
            translations = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
            assert len(translations) == 2, f"{entry.msgid!r} needs msgstr[0] and msgstr[1]"
        else:
            expected = placeholders(entry.msgid)
            translations = [entry.msgstr]
        for translation in translations:
            if placeholders(translation) != expected:
                wrong_placeholders.append((entry.msgid, translation))
    assert not wrong_placeholders, f"Translations that lose or add a placeholder: {wrong_placeholders}"


def test_the_compiled_catalogue_matches_the_source():
    po = load_po()
    assert MO_PATH.exists(), (
        f"{MO_PATH} is missing: run `python manage.py compilemessages -l fr --ignore=.venv`"
    )
    mo = {entry_key(entry): entry for entry in polib.mofile(str(MO_PATH))}

    stale = []
    for entry in po.translated_entries():
        compiled = mo.get(entry_key(entry))
        if compiled is None:
            stale.append((entry.msgid, "missing from the .mo"))
        elif entry.msgid_plural:
            if {int(k): v for k, v in compiled.msgstr_plural.items()} != {
                int(k): v for k, v in entry.msgstr_plural.items()
            }:
                stale.append((entry.msgid, dict(compiled.msgstr_plural)))
        elif compiled.msgstr != entry.msgstr:
            stale.append((entry.msgid, compiled.msgstr))
    assert not stale, (
        f"{MO_PATH.name} is out of date with {PO_PATH.name} "
        f"(run `python manage.py compilemessages -l fr --ignore=.venv`): {stale}"
    )


COPY_IGNORED = shutil.ignore_patterns(
    ".venv",
    "var",
    ".git",
    "tests",
    "*.mo",
    ".env",
    "__pycache__",
    "*.pyc",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    "htmlcov",
    ".coverage",
    "test-artifacts",
    "node_modules",
)


def test_every_user_facing_string_is_in_the_catalogue(tmp_path):
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.skip("GNU gettext (xgettext, msgmerge) is not installed; `make test` installs it")
    copy = tmp_path / "project"
    shutil.copytree(BASE_DIR, copy, ignore=COPY_IGNORED, symlinks=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"

    regenerated = load_po(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    committed = {entry_key(entry): entry for entry in load_po() if not entry.obsolete}
    missing = sorted(
        entry_key(entry)
        for entry in regenerated
        if not entry.obsolete
        and (entry_key(entry) not in committed or not is_translated(committed[entry_key(entry)]))
    )
    assert not missing, (
        f"{len(missing)} string(s) of the code are missing or untranslated in {PO_PATH.name} "
        f"({HOW_TO_UPDATE}): {missing}"
    )


@pytest.mark.django_db
def test_pages_are_french_by_default_and_english_on_request():
    user = User.objects.create_user(username="bilingue", password="not-used-123")
    client = Client()
    client.force_login(user)
    url = reverse("third_party_list")

    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="fr"' in page
    assert "Tiers" in page
    assert "Assigné à" in page  # a filter label, translated in Python code (gettext_lazy)
    assert "Se déconnecter" in page
    assert "Third parties" not in page

    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="en"' in page
    assert "Third parties" in page
    assert "Assigned to" in page
    assert "Log out" in page
    assert "Se déconnecter" not in page

    anonymous = Client()
    response = anonymous.get(reverse("login"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="fr"' in page
    assert "Se connecter" in page
    assert "Mot de passe" in page
