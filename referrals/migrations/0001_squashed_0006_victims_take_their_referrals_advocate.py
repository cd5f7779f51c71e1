"""referrals 0001-0006 in one, for new databases (see taskforce's 0001_squashed_0017).

Written from the models; 0006 only gave existing victims their referral's advocate. Databases
that applied some of 0001-0006 keep following those files.

It depends on victims 0012, the newest that 0001-0006 needed (a new database gets the victims
squash in its place), not on the victims squash itself: a database of the release before the
squashes has referrals 0001-0006 but not victims 0013, and Django counts this migration as
applied there, so a dependency on 0013 made `migrate` stop with InconsistentMigrationHistory
once anything had recorded it (tests/taskforce/test_upgrade.py).
"""

import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import uuid
from django.conf import settings
from django.db import migrations, models

import taskforce.migration_operations


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('referrals', '0001_regions_and_referrals'),
        ('referrals', '0002_change_history'),
        ('referrals', '0003_sealing'),
        ('referrals', '0004_report_period_indexes'),
        ('referrals', '0005_report_indexes'),
        ('referrals', '0006_victims_take_their_referrals_advocate'),
    ]

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('cases', '0021_report_indexes'),
        ('pghistory', '0007_auto_20250421_0444'),
        ('taskforce', '0016_report_period_indexes'),
        ('taskforce', '__first__'),
        ('victims', '0012_victim_assigned_advocate'),
    ]

    operations = [
        taskforce.migration_operations.CreateModels([
            migrations.CreateModel(
                name='Referral',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                    ('updated_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                    ('version', models.PositiveIntegerField(default=1, editable=False)),
                    ('sealed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('seal_reason', models.TextField(blank=True, editable=False)),
                    ('source', models.CharField(choices=[('police', 'Police'), ('prosecution', 'Prosecution'), ('school', 'School'), ('hotel', 'Hotel'), ('family', 'Family'), ('self', 'Self-referral'), ('other', 'Other')], max_length=12)),
                    ('reason', models.TextField()),
                    ('urgency', models.CharField(choices=[('routine', 'Routine'), ('urgent', 'Urgent (within a day)'), ('emergency', 'Emergency (now)')], default='routine', max_length=10)),
                    ('status', models.CharField(choices=[('sent', 'Sent'), ('received', 'Received'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('engaged', 'Engaged in services'), ('closed', 'Closed')], default='sent', editable=False, max_length=10)),
                    ('decline_reason', models.TextField(blank=True)),
                    ('closure_reason', models.CharField(blank=True, choices=[('goals_met', 'Goals met'), ('moved', 'Moved away'), ('declined_services', 'Declined services'), ('lost_contact', 'Lost contact'), ('aged_out', 'Aged out'), ('other', 'Other')], max_length=20)),
                    ('arrest', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.arrest')),
                    ('assigned_advocate', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.case')),
                    ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('owner_agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='taskforce.agency')),
                    ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='cases.person')),
                    ('referring_agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='taskforce.agency')),
                    ('sealed_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('updated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('victim', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='victims.victim')),
                    ('region', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='referrals.region')),
                ],
                options={
                    'indexes': [models.Index(condition=models.Q(('sealed_at__isnull', False)), fields=['sealed_at'], name='referral_sealed'), models.Index(fields=['created_at'], name='referral_made'), models.Index(fields=['owner_agency', '-updated_at', '-id'], name='referral_owner_recent'), models.Index(fields=['referring_agency', '-created_at'], name='referral_sent')],
                    'triggers': [pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "referrals_referralhistory" ("arrest_id", "assigned_advocate_id", "case_id", "closure_reason", "created_at", "created_by_id", "id", "owner_agency_id", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "public_id", "referring_agency_id", "region_id", "seal_reason", "sealed_at", "sealed_by_id", "source", "status", "updated_at", "updated_by_id", "urgency", "version", "victim_id") VALUES (NEW."arrest_id", NEW."assigned_advocate_id", NEW."case_id", NEW."closure_reason", NEW."created_at", NEW."created_by_id", NEW."id", NEW."owner_agency_id", NEW."person_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."public_id", NEW."referring_agency_id", NEW."region_id", NEW."seal_reason", NEW."sealed_at", NEW."sealed_by_id", NEW."source", NEW."status", NEW."updated_at", NEW."updated_by_id", NEW."urgency", NEW."version", NEW."victim_id"); RETURN NULL;', hash='6d4b378228f5bb14022b26fc214d5ca84d87f4cf', operation='INSERT', pgid='pgtrigger_insert_insert_a74c8', table='referrals_referral', when='AFTER')), pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."arrest_id" IS DISTINCT FROM (NEW."arrest_id") OR OLD."assigned_advocate_id" IS DISTINCT FROM (NEW."assigned_advocate_id") OR OLD."case_id" IS DISTINCT FROM (NEW."case_id") OR OLD."closure_reason" IS DISTINCT FROM (NEW."closure_reason") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."owner_agency_id" IS DISTINCT FROM (NEW."owner_agency_id") OR OLD."person_id" IS DISTINCT FROM (NEW."person_id") OR OLD."public_id" IS DISTINCT FROM (NEW."public_id") OR OLD."referring_agency_id" IS DISTINCT FROM (NEW."referring_agency_id") OR OLD."region_id" IS DISTINCT FROM (NEW."region_id") OR OLD."seal_reason" IS DISTINCT FROM (NEW."seal_reason") OR OLD."sealed_at" IS DISTINCT FROM (NEW."sealed_at") OR OLD."sealed_by_id" IS DISTINCT FROM (NEW."sealed_by_id") OR OLD."source" IS DISTINCT FROM (NEW."source") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at") OR OLD."updated_by_id" IS DISTINCT FROM (NEW."updated_by_id") OR OLD."urgency" IS DISTINCT FROM (NEW."urgency") OR OLD."version" IS DISTINCT FROM (NEW."version") OR OLD."victim_id" IS DISTINCT FROM (NEW."victim_id"))', func='INSERT INTO "referrals_referralhistory" ("arrest_id", "assigned_advocate_id", "case_id", "closure_reason", "created_at", "created_by_id", "id", "owner_agency_id", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "public_id", "referring_agency_id", "region_id", "seal_reason", "sealed_at", "sealed_by_id", "source", "status", "updated_at", "updated_by_id", "urgency", "version", "victim_id") VALUES (NEW."arrest_id", NEW."assigned_advocate_id", NEW."case_id", NEW."closure_reason", NEW."created_at", NEW."created_by_id", NEW."id", NEW."owner_agency_id", NEW."person_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."public_id", NEW."referring_agency_id", NEW."region_id", NEW."seal_reason", NEW."sealed_at", NEW."sealed_by_id", NEW."source", NEW."status", NEW."updated_at", NEW."updated_by_id", NEW."urgency", NEW."version", NEW."victim_id"); RETURN NULL;', hash='7dd2a6576dc51f7025af7d6c1015abe5405ce3b4', operation='UPDATE', pgid='pgtrigger_update_update_223e7', table='referrals_referral', when='AFTER')), pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "referrals_referralhistory" ("arrest_id", "assigned_advocate_id", "case_id", "closure_reason", "created_at", "created_by_id", "id", "owner_agency_id", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "public_id", "referring_agency_id", "region_id", "seal_reason", "sealed_at", "sealed_by_id", "source", "status", "updated_at", "updated_by_id", "urgency", "version", "victim_id") VALUES (OLD."arrest_id", OLD."assigned_advocate_id", OLD."case_id", OLD."closure_reason", OLD."created_at", OLD."created_by_id", OLD."id", OLD."owner_agency_id", OLD."person_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."public_id", OLD."referring_agency_id", OLD."region_id", OLD."seal_reason", OLD."sealed_at", OLD."sealed_by_id", OLD."source", OLD."status", OLD."updated_at", OLD."updated_by_id", OLD."urgency", OLD."version", OLD."victim_id"); RETURN NULL;', hash='a6d7771dda798a508a94040b6b8c985a8d660478', operation='DELETE', pgid='pgtrigger_delete_delete_e24da', table='referrals_referral', when='AFTER'))],
                },
            ),
            migrations.CreateModel(
                name='ReferralStatusChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('from_status', models.CharField(blank=True, choices=[('sent', 'Sent'), ('received', 'Received'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('engaged', 'Engaged in services'), ('closed', 'Closed')], max_length=10)),
                    ('to_status', models.CharField(choices=[('sent', 'Sent'), ('received', 'Received'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('engaged', 'Engaged in services'), ('closed', 'Closed')], max_length=10)),
                    ('at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('reason', models.TextField(blank=True)),
                    ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('referral', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_changes', to='referrals.referral')),
                ],
                options={
                    'ordering': ['at', 'id'],
                },
            ),
            migrations.CreateModel(
                name='Region',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=80, unique=True)),
                    ('counties', models.ManyToManyField(related_name='safe_harbor_regions', to='taskforce.county')),
                    ('navigator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='taskforce.agency')),
                ],
                options={
                    'ordering': ['name'],
                },
            ),
            migrations.CreateModel(
                name='ReferralHistory',
                fields=[
                    ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                    ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                    ('pgh_label', models.TextField(help_text='The event label.')),
                    ('id', models.BigIntegerField()),
                    ('public_id', models.UUIDField(default=uuid.uuid4, editable=False)),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                    ('updated_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                    ('version', models.PositiveIntegerField(default=1, editable=False)),
                    ('sealed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('seal_reason', models.TextField(blank=True, editable=False)),
                    ('source', models.CharField(choices=[('police', 'Police'), ('prosecution', 'Prosecution'), ('school', 'School'), ('hotel', 'Hotel'), ('family', 'Family'), ('self', 'Self-referral'), ('other', 'Other')], max_length=12)),
                    ('urgency', models.CharField(choices=[('routine', 'Routine'), ('urgent', 'Urgent (within a day)'), ('emergency', 'Emergency (now)')], default='routine', max_length=10)),
                    ('status', models.CharField(choices=[('sent', 'Sent'), ('received', 'Received'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('engaged', 'Engaged in services'), ('closed', 'Closed')], default='sent', editable=False, max_length=10)),
                    ('closure_reason', models.CharField(blank=True, choices=[('goals_met', 'Goals met'), ('moved', 'Moved away'), ('declined_services', 'Declined services'), ('lost_contact', 'Lost contact'), ('aged_out', 'Aged out'), ('other', 'Other')], max_length=20)),
                    ('arrest', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.arrest')),
                    ('assigned_advocate', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.case')),
                    ('created_by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('owner_agency', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='taskforce.agency')),
                    ('person', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.person')),
                    ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                    ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='referrals.referral')),
                    ('referring_agency', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='taskforce.agency')),
                    ('sealed_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('updated_by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('victim', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='victims.victim')),
                    ('region', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='referrals.region')),
                ],
                options={
                    'abstract': False,
                },
            ),
            migrations.CreateModel(
                name='ReferralGroupObjectPermission',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('expires_at', models.DateTimeField(blank=True, null=True)),
                    ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='referrals.referral')),
                    ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.group')),
                    ('permission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.permission')),
                    ('share', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='taskforce.share')),
                ],
                options={
                    'abstract': False,
                    'unique_together': {('group', 'permission', 'content_object')},
                },
            ),
            migrations.CreateModel(
                name='ReferralUserObjectPermission',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('expires_at', models.DateTimeField(blank=True, null=True)),
                    ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='referrals.referral')),
                    ('permission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.permission')),
                    ('share', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='taskforce.share')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'abstract': False,
                    'unique_together': {('user', 'permission', 'content_object')},
                },
            ),
        ]),
    ]
