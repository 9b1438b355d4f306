"""Named staff personas for admin tests: carl edits content, nina manages the newsletter,
root is a superuser; log_in signs one in to the admin in the browser."""

from django.contrib.auth.models import Group, User

from palmecentret.roles import CONTENT_EDITORS, NEWSLETTER_MANAGERS


def staff(username, group=None, **extra):
    user = User.objects.create_user(username, f"{username}@example.org", "pw-" + username,
                                    is_staff=True, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def carl():
    """Carl, a communicator: a content editor."""
    return staff("carl", CONTENT_EDITORS)


def nina():
    """Nina, the newsletter manager."""
    return staff("nina", NEWSLETTER_MANAGERS)


def root():
    return staff("root", is_superuser=True)


def log_in(page, user):
    """Log `user` (a persona above) in to the admin in a Playwright page, as a person
    would: the login form, then the dashboard."""
    page.goto("/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-" + user.username)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
