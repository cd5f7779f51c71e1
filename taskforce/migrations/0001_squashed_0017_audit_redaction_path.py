"""taskforce 0001-0017 in one, for new databases (with cases', victims' and referrals' squashed
migrations, a first start migrates in seconds instead of a minute: Django renders every model's
state again for each operation of a long history). Databases that applied some of 0001-0017 keep
following those files, which stay until every installation has passed 0017. The reference data
(Minnesota's counties, 0004; holidays, 0007) and the audit trail's append-only trigger (0014, as
0017 left it) are copied here, not imported, so the migration stays as it was written; 0015 only
gave existing notifications public ids.
"""

import datetime as dt

import django.contrib.auth.models
import django.contrib.auth.validators
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models

import taskforce.migration_operations



MINNESOTA = """\
Aitkin, Anoka, Becker, Beltrami, Benton, Big Stone, Blue Earth, Brown, Carlton, Carver, Cass,
Chippewa, Chisago, Clay, Clearwater, Cook, Cottonwood, Crow Wing, Dakota, Dodge, Douglas, Faribault,
Fillmore, Freeborn, Goodhue, Grant, Hennepin, Houston, Hubbard, Isanti, Itasca, Jackson, Kanabec,
Kandiyohi, Kittson, Koochiching, Lac qui Parle, Lake, Lake of the Woods, Le Sueur, Lincoln, Lyon,
McLeod, Mahnomen, Marshall, Martin, Meeker, Mille Lacs, Morrison, Mower, Murray, Nicollet, Nobles,
Norman, Olmsted, Otter Tail, Pennington, Pine, Pipestone, Polk, Pope, Ramsey, Red Lake, Redwood,
Renville, Rice, Rock, Roseau, St. Louis, Scott, Sherburne, Sibley, Stearns, Steele, Stevens, Swift,
Todd, Traverse, Wabasha, Wadena, Waseca, Washington, Watonwan, Wilkin, Winona, Wright,
Yellow Medicine"""


def county_names() -> list[str]:
    return [name.strip() for name in MINNESOTA.replace("\n", " ").split(",")]


def seed_counties(apps, schema_editor):
    County = apps.get_model("taskforce", "County")
    names = county_names()
    assert len(names) == 87, len(names)
    County.objects.bulk_create(
        [County(name=name, state="MN") for name in names], ignore_conflicts=True
    )

def _nth(year, month, weekday, n):
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last(year, month, weekday):
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def holidays(year):
    fixed = [(dt.date(year, 1, 1), "New Year's Day"), (dt.date(year, 6, 19), "Juneteenth"),
             (dt.date(year, 7, 4), "Independence Day"), (dt.date(year, 11, 11), "Veterans Day"),
             (dt.date(year, 12, 25), "Christmas Day")]  # fmt: skip
    observed = [(d + dt.timedelta(days=1), f"{n} (observed)") for d, n in fixed if d.weekday() == 6]
    thanksgiving = _nth(year, 11, 3, 4)
    moving = [(_nth(year, 1, 0, 3), "Martin Luther King Jr. Day"),
              (_nth(year, 2, 0, 3), "Washington's and Lincoln's Birthday"),
              (_last(year, 5, 0), "Memorial Day"), (_nth(year, 9, 0, 1), "Labor Day"),
              (_nth(year, 10, 0, 2), "Christopher Columbus Day"),
              (thanksgiving, "Thanksgiving Day"),
              (thanksgiving + dt.timedelta(days=1), "Day after Thanksgiving")]  # fmt: skip
    return fixed + observed + moving


def seed_holidays(apps, schema_editor):
    Holiday = apps.get_model("taskforce", "Holiday")
    Holiday.objects.bulk_create(
        [Holiday(day=d, name=n) for year in range(2024, 2033) for d, n in holidays(year)],
        ignore_conflicts=True,
    )


AUDIT_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION taskforce_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('taskforce.audit_retention', true) = 'on' THEN
            RETURN OLD;
        END IF;
    ELSIF (NEW.at, NEW.action, NEW.actor_username, NEW.actor_agency_name, NEW.target_type_id,
           NEW.target_id, NEW.reason, NEW.changes::text, NEW.ip_address, NEW.user_agent)
          IS NOT DISTINCT FROM
          (OLD.at, OLD.action, OLD.actor_username, OLD.actor_agency_name, OLD.target_type_id,
           OLD.target_id, OLD.reason, OLD.changes::text, OLD.ip_address, OLD.user_agent)
          AND (NEW.target_label IS NOT DISTINCT FROM OLD.target_label
               OR current_setting('taskforce.audit_redaction', true) = 'on')
          AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
          AND (NEW.actor_agency_id IS NULL OR NEW.actor_agency_id = OLD.actor_agency_id)
          AND (NEW.target_agency_id IS NULL OR NEW.target_agency_id = OLD.target_agency_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER taskforce_audit_append_only
    BEFORE UPDATE OR DELETE ON taskforce_auditevent
    FOR EACH ROW EXECUTE FUNCTION taskforce_audit_append_only();
"""


def audit_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_APPEND_ONLY, params=None)


def no_audit_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS taskforce_audit_append_only ON taskforce_auditevent;"
            " DROP FUNCTION IF EXISTS taskforce_audit_append_only();",
            params=None,
        )


class Migration(migrations.Migration):

    replaces = [('taskforce', '0001_initial'), ('taskforce', '0002_audit_trail_and_shares'), ('taskforce', '0003_counties'), ('taskforce', '0004_minnesota_counties'), ('taskforce', '0005_saved_filters'), ('taskforce', '0006_holidays_and_deadlines'), ('taskforce', '0007_minnesota_holidays'), ('taskforce', '0008_reminders_and_notifications'), ('taskforce', '0009_follow_up_sequences'), ('taskforce', '0010_deadline_escalation'), ('taskforce', '0011_reminder_settings_and_digests'), ('taskforce', '0012_user_session_salt_and_reactivated_at'), ('taskforce', '0013_reminder_due_index_in_sweep_order'), ('taskforce', '0014_audit_trail_append_only'), ('taskforce', '0015_notification_public_id'), ('taskforce', '0016_report_period_indexes'), ('taskforce', '0017_audit_redaction_path')]

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        taskforce.migration_operations.CreateModels([
            migrations.CreateModel(
                name='Heartbeat',
                fields=[
                    ('name', models.CharField(max_length=40, primary_key=True, serialize=False)),
                    ('last_seen_at', models.DateTimeField()),
                ],
            ),
            migrations.CreateModel(
                name='User',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('password', models.CharField(max_length=128, verbose_name='password')),
                    ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                    ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                    ('username', models.CharField(error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, unique=True, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')),
                    ('first_name', models.CharField(blank=True, max_length=150, verbose_name='first name')),
                    ('last_name', models.CharField(blank=True, max_length=150, verbose_name='last name')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                    ('is_staff', models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')),
                    ('is_active', models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')),
                    ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')),
                    ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                    ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
                ],
                options={
                    'ordering': ['username'],
                },
                managers=[
                    ('objects', django.contrib.auth.models.UserManager()),
                ],
            ),
            migrations.CreateModel(
                name='Agency',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                    ('name', models.CharField(max_length=200, unique=True)),
                    ('short_name', models.CharField(blank=True, help_text="Shown in tight spaces, e.g. 'WCAO'.", max_length=40)),
                    ('kind', models.CharField(choices=[('prosecution', 'Prosecution'), ('law_enforcement', 'Law enforcement'), ('victim_services', 'Victim services'), ('task_force', 'Task force')], max_length=20)),
                    ('jurisdiction', models.CharField(blank=True, help_text='County, city or region the agency serves.', max_length=120)),
                    ('county', models.CharField(blank=True, max_length=60)),
                    ('is_active', models.BooleanField(default=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('group', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='agency', to='auth.group')),
                    ('charging_target_days', models.PositiveSmallIntegerField(default=30, help_text='Prosecution: days to decide on a handed-off arrest.')),
                    ('first_contact_days', models.PositiveSmallIntegerField(default=2, help_text='Victim services: business days to first contact after a referral.')),
                ],
                options={
                    'verbose_name_plural': 'agencies',
                    'ordering': ['name'],
                },
            ),
            migrations.CreateModel(
                name='Membership',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('role', models.CharField(choices=[('prosecutor', 'Prosecutor'), ('police_liaison', 'Police liaison / investigator'), ('advocate', 'Advocate'), ('supervisor', 'Supervisor'), ('coordinator', 'Task-force coordinator')], max_length=20)),
                    ('title', models.CharField(blank=True, help_text="Job title, e.g. 'Sergeant'.", max_length=120)),
                    ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('ended_at', models.DateTimeField(blank=True, null=True)),
                    ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='taskforce.agency')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'ordering': ['-started_at'],
                    'indexes': [models.Index(fields=['agency', 'role'], name='taskforce_m_agency__114b3e_idx')],
                    'constraints': [models.UniqueConstraint(condition=models.Q(('ended_at__isnull', True)), fields=('user',), name='one_current_membership_per_user', violation_error_message='This user already has a current membership; end it first.'), models.CheckConstraint(condition=models.Q(('ended_at__isnull', True), ('ended_at__gte', models.F('started_at')), _connector='OR'), name='membership_ends_after_it_starts', violation_error_message='A membership cannot end before it starts.')],
                },
            ),
            migrations.CreateModel(
                name='AuditEvent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                    ('actor_username', models.CharField(blank=True, max_length=150)),
                    ('actor_agency_name', models.CharField(blank=True, max_length=200)),
                    ('action', models.CharField(db_index=True, max_length=60)),
                    ('target_id', models.BigIntegerField(null=True)),
                    ('target_label', models.CharField(blank=True, max_length=300)),
                    ('reason', models.TextField(blank=True)),
                    ('changes', models.JSONField(blank=True, default=dict)),
                    ('ip_address', models.GenericIPAddressField(null=True)),
                    ('user_agent', models.CharField(blank=True, max_length=300)),
                    ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('actor_agency', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='taskforce.agency')),
                    ('target_agency', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='taskforce.agency')),
                    ('target_type', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
                ],
                options={
                    'ordering': ['-at', '-id'],
                    'indexes': [models.Index(fields=['target_type', 'target_id', '-at'], name='taskforce_a_target__395431_idx'), models.Index(fields=['target_agency', '-at'], name='taskforce_a_target__77a093_idx'), models.Index(fields=['actor', '-at'], name='taskforce_a_actor_i_2d9680_idx')],
                },
            ),
            migrations.CreateModel(
                name='Share',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                    ('object_id', models.BigIntegerField()),
                    ('object_public_id', models.UUIDField(editable=False, null=True)),
                    ('object_label', models.CharField(max_length=300)),
                    ('level', models.CharField(choices=[('view', 'View'), ('change', 'View and change')], default='view', max_length=10)),
                    ('reason', models.TextField()),
                    ('expires_at', models.DateTimeField(blank=True, help_text='Access ends at this moment (e.g. when consent expires).', null=True)),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('revoked_at', models.DateTimeField(blank=True, null=True)),
                    ('revoke_reason', models.TextField(blank=True)),
                    ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype')),
                    ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('from_agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shares_out', to='taskforce.agency')),
                    ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('to_agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shares_in', to='taskforce.agency')),
                ],
                options={
                    'ordering': ['-created_at'],
                    'indexes': [models.Index(fields=['to_agency', '-created_at'], name='taskforce_s_to_agen_f4542b_idx'), models.Index(fields=['from_agency', '-created_at'], name='taskforce_s_from_ag_d4da16_idx'), models.Index(condition=models.Q(('expires_at__isnull', False), ('revoked_at__isnull', True)), fields=['expires_at'], name='share_active_expiry')],
                    'constraints': [models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('content_type', 'object_id', 'to_agency'), name='one_active_share_per_record_and_agency'), models.CheckConstraint(condition=models.Q(('from_agency', models.F('to_agency')), _negated=True), name='share_goes_to_another_agency')],
                },
            ),
            migrations.CreateModel(
                name='County',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=60)),
                    ('state', models.CharField(default='MN', max_length=2)),
                ],
                options={
                    'verbose_name_plural': 'counties',
                    'ordering': ['name'],
                    'constraints': [models.UniqueConstraint(fields=('state', 'name'), name='county_unique_in_state')],
                },
            ),
            migrations.CreateModel(
                name='SavedFilter',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('list_name', models.CharField(max_length=60)),
                    ('name', models.CharField(max_length=80)),
                    ('query', models.CharField(blank=True, max_length=1000)),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='saved_filters', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'ordering': ['name'],
                    'constraints': [models.UniqueConstraint(fields=('user', 'list_name', 'name'), name='saved_filter_name_once', violation_error_message='You already have a saved filter with this name.')],
                },
            ),
            migrations.CreateModel(
                name='Holiday',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('day', models.DateField(unique=True)),
                    ('name', models.CharField(max_length=80)),
                ],
                options={
                    'ordering': ['day'],
                },
            ),
            migrations.CreateModel(
                name='Deadline',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                    ('object_id', models.BigIntegerField()),
                    ('rule', models.CharField(max_length=60)),
                    ('rule_version', models.PositiveSmallIntegerField()),
                    ('title', models.CharField(max_length=200)),
                    ('source', models.CharField(help_text='The rule or statute it implements.', max_length=120)),
                    ('event_at', models.DateTimeField(help_text='When the event it counts from happened.')),
                    ('due_at', models.DateTimeField()),
                    ('status', models.CharField(choices=[('open', 'Open'), ('met', 'Met'), ('missed', 'Missed'), ('waived', 'Waived')], default='open', max_length=10)),
                    ('closed_at', models.DateTimeField(blank=True, null=True)),
                    ('waiver_reason', models.TextField(blank=True)),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype')),
                    ('responsible_agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='taskforce.agency')),
                    ('responsible_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'ordering': ['due_at', 'id'],
                    'indexes': [models.Index(fields=['responsible_agency', 'status', 'due_at'], name='deadline_agency'), models.Index(fields=['content_type', 'object_id'], name='deadline_record')],
                    'constraints': [models.UniqueConstraint(fields=('content_type', 'object_id', 'rule'), name='one_deadline_per_rule_and_record')],
                },
            ),
            migrations.CreateModel(
                name='Reminder',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('lead_minutes', models.PositiveIntegerField()),
                    ('send_at', models.DateTimeField()),
                    ('status', models.CharField(choices=[('pending', 'Pending'), ('sent', 'Sent'), ('skipped', 'Skipped (deadline closed or recipient has no access)')], default='pending', max_length=10)),
                    ('sent_at', models.DateTimeField(blank=True, null=True)),
                    ('deadline', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='taskforce.deadline')),
                    ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
            ),
            migrations.CreateModel(
                name='Notification',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('title', models.CharField(max_length=200)),
                    ('body', models.TextField(blank=True)),
                    ('url', models.CharField(blank=True, max_length=300)),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('read_at', models.DateTimeField(blank=True, null=True)),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                    ('reminder', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='notification', to='taskforce.reminder')),
                ],
                options={
                    'ordering': ['-created_at', '-id'],
                },
            ),
        ]),
        migrations.AddIndex(
            model_name='reminder',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['send_at'], name='reminder_due'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.UniqueConstraint(fields=('deadline', 'recipient', 'lead_minutes'), name='reminder_once'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['user', '-created_at'], name='notification_inbox'),
        ),
        migrations.RemoveConstraint(
            model_name='deadline',
            name='one_deadline_per_rule_and_record',
        ),
        migrations.AddField(
            model_name='agency',
            name='follow_up_days',
            field=models.PositiveSmallIntegerField(default=14, help_text='Victim services: days between follow-ups while in services.'),
        ),
        migrations.AddField(
            model_name='deadline',
            name='sequence',
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddConstraint(
            model_name='deadline',
            constraint=models.UniqueConstraint(fields=('content_type', 'object_id', 'rule', 'sequence'), name='one_deadline_per_rule_and_record'),
        ),
        migrations.AddField(
            model_name='deadline',
            name='escalated_at',
            field=models.DateTimeField(blank=True, help_text="When the agency's supervisors were told it was missed.", null=True),
        ),
        taskforce.migration_operations.CreateModels([
            migrations.CreateModel(
                name='Digest',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('day', models.DateField()),
                    ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('deadline_count', models.PositiveIntegerField(default=0)),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'constraints': [models.UniqueConstraint(fields=('user', 'day'), name='digest_once_a_day')],
                },
            ),
            migrations.CreateModel(
                name='ReminderSettings',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('lead_minutes', models.JSONField(blank=True, default=dict)),
                    ('email_reminders', models.BooleanField(default=True)),
                    ('digest_hour', models.PositiveSmallIntegerField(blank=True, help_text='Local hour (0 to 23) of the daily digest; empty for none.', null=True)),
                    ('calendar_token_hash', models.CharField(blank=True, db_index=True, max_length=64)),
                    ('calendar_token_created_at', models.DateTimeField(blank=True, null=True)),
                    ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_settings', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'constraints': [models.CheckConstraint(condition=models.Q(('digest_hour__isnull', True), ('digest_hour__lte', 23), _connector='OR'), name='digest_hour_in_day')],
                },
            ),
        ]),
        migrations.AddField(
            model_name='user',
            name='reactivated_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='user',
            name='session_salt',
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.RemoveIndex(
            model_name='reminder',
            name='reminder_due',
        ),
        migrations.AddIndex(
            model_name='reminder',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['send_at', 'id'], name='reminder_due'),
        ),
        migrations.AddField(
            model_name='notification',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(fields=['due_at'], name='deadline_due'),
        ),
        migrations.RunPython(seed_counties, migrations.RunPython.noop),
        migrations.RunPython(seed_holidays, migrations.RunPython.noop),
        migrations.RunPython(audit_append_only, no_audit_append_only),
    ]
