"""The staff roles, as groups with model permissions. A data migration created them (with
a copy of this table), and a post_migrate receiver re-syncs them after every migrate (and
flush), so the groups always match this table when models are added."""

from django.contrib.auth.management import create_permissions

CONTENT_EDITORS = "Content editors"
NEWSLETTER_MANAGERS = "Newsletter managers"

ALL = ("add", "change", "delete", "view")

# group name -> {"app_label.model": actions}
ROLES = {
    # Everything the public sees; no subscribers, consents or registrations.
    CONTENT_EDITORS: {
        "members.memberorganisation": ALL,
        "members.network": ALL,
        "projects.region": ALL,
        "projects.country": ALL,
        "projects.theme": ALL,
        "projects.funder": ALL,
        "projects.programme": ALL,
        "projects.partner": ALL,
        "projects.project": ALL,
        # What a project and a programme report to IATI, edited on their pages.
        "projects.transaction": ALL,
        "projects.policymarker": ALL,
        "projects.result": ALL,
        "projects.indicator": ALL,
        "projects.indicatorperiod": ALL,
        "projects.annualreport": ALL,
        "newsletter.seminar": ALL,
        "stories.story": ALL,
    },
    # Lists, subscribers, consents, seminars, registrations; no project editing.
    NEWSLETTER_MANAGERS: {
        "newsletter.mailinglist": ALL,
        "newsletter.subscriber": ALL,
        "newsletter.subscription": ALL,
        "newsletter.consentrecord": ("view",),
        "newsletter.seminar": ALL,
        "newsletter.registration": ALL,
        "newsletter.mailing": ALL,
        # Made by sending, never edited by hand; deleted with an erased subscriber.
        "newsletter.delivery": ("view", "delete"),
        # To choose stories for a mailing (stories.mailing_admin); writing them stays
        # with the content editors.
        "stories.story": ("view",),
    },
}


def assign_roles(Group, Permission, using="default"):  # noqa: N803 - model classes
    for name, grants in ROLES.items():
        group, _ = Group.objects.db_manager(using).get_or_create(name=name)
        wanted = []
        for label, actions in grants.items():
            app_label, model = label.split(".")
            for action in actions:
                wanted.append(Permission.objects.db_manager(using).get(
                    content_type__app_label=app_label, content_type__model=model,
                    codename=f"{action}_{model}",
                ))
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs):
    """post_migrate: after every migrate (and after a flush, which empties the groups
    along with everything else) the groups match ROLES again."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    # The signal goes to each app with models in turn (this app has none): act once, at
    # the last, when every app's permissions exist.
    with_models = [config for config in apps.get_app_configs()
                   if config.models_module is not None]
    if app_config is not with_models[-1]:
        return
    for config in with_models:
        create_permissions(config, verbosity=0, using=using)
    assign_roles(Group, Permission, using)
