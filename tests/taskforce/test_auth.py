"""Sign-in, sign-out and passwords, as a person in a browser meets them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD, verified_login

pytestmark = pytest.mark.django_db

BAD_LOGIN = "Please enter a correct username and password."


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_pages_ask_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_correct_password_signs_in_and_lands_on_home(client, wash_prosecutor):
    response = sign_in(client, "wash_prosecutor", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    # The password is the first step; home waits for the second (tests/accounts/test_mfa.py).
    home = client.get(reverse("home"))
    assert home["Location"].startswith(reverse("mfa_enrol"))


def test_wrong_password_and_unknown_user_get_the_same_message(client, wash_prosecutor):
    wrong_password = sign_in(client, "wash_prosecutor", "not-the-password")
    unknown_user = sign_in(client, "nobody_here", "not-the-password")
    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert BAD_LOGIN in response.content.decode()
        assert "_auth_user_id" not in client.session
    # Nothing in the page tells the two apart.
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*"')
    assert strip.sub("", wrong_password.content.decode()) == strip.sub(
        "", unknown_user.content.decode()
    )


def test_a_deactivated_user_cannot_sign_in_and_is_told_nothing_more(client, wash_prosecutor):
    wash_prosecutor.is_active = False
    wash_prosecutor.save()
    response = sign_in(client, "wash_prosecutor", TEST_PASSWORD)
    assert BAD_LOGIN in response.content.decode()
    assert "inactive" not in response.content.decode().lower()


def test_the_login_form_labels_its_fields_and_shows_errors_next_to_them(client):
    page = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert '<label for="id_username">' in page
    assert '<label for="id_password">' in page
    assert page.count("This field is required.") == 2


def test_sign_out_is_a_post_and_ends_the_session(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change_needs_the_old_password(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    wash_prosecutor.refresh_from_db()
    assert wash_prosecutor.check_password(TEST_PASSWORD)


def test_short_and_common_passwords_are_refused(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "qwerty", "new_password2": "qwerty"},
    )
    page = response.content.decode()
    assert "too short" in page
    assert "too common" in page


def test_password_reset_mails_a_working_link_only_to_a_known_address(client, wash_prosecutor):
    unknown = client.post(reverse("password_reset"), {"email": "stranger@example.invalid"})
    known = client.post(reverse("password_reset"), {"email": wash_prosecutor.email})
    # Same answer either way: the page does not confirm which addresses have accounts.
    assert unknown["Location"] == known["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)

    form = client.get(link, follow=True)
    assert "Set a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert done["Location"] == reverse("password_reset_complete")
    wash_prosecutor.refresh_from_db()
    assert wash_prosecutor.check_password("a-new-long-passphrase")
