"""victims 0001-0013 in one, for new databases (see taskforce's 0001_squashed_0017).

Written from the models; the data migrations only encrypted values already stored. Databases
that applied some of 0001-0013 keep following those files.
"""

import cases.models.notes
import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import taskforce.encryption
import uuid
import victims.models
from django.conf import settings
from django.db import migrations, models

import taskforce.migration_operations


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('victims', '0001_victims_and_consent'),
        ('victims', '0002_services_contacts_notes'),
        ('victims', '0003_one_grant_for_several_consents'),
        ('victims', '0004_address_phone_signed_form'),
        ('victims', '0005_change_history'),
        ('victims', '0006_sealing'),
        ('victims', '0007_encrypt_identifying_fields'),
        ('victims', '0008_encrypt_people_names_and_birth_dates'),
        ('victims', '0009_report_period_indexes'),
        ('victims', '0010_contact_method_is_the_shared_contact_list'),
        ('victims', '0011_guardian_name_encrypted'),
        ('victims', '0012_victim_assigned_advocate'),
        ('victims', '0013_screening_score_encrypted'),
    ]

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('cases', '0019_report_period_indexes'),
        ('pghistory', '0007_auto_20250421_0444'),
        ('taskforce', '0016_report_period_indexes'),
        ('taskforce', '__first__'),
    ]

    operations = [
        taskforce.migration_operations.CreateModels([
            migrations.CreateModel(
                name='AdvocateNote',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('body', taskforce.encryption.EncryptedTextField()),
                    ('at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('victim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='victims.victim')),
                ],
                options={
                    'ordering': ['-at', '-id'],
                    'triggers': [pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "victims_advocatenotehistory" ("at", "by_id", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "victim_id") VALUES (NEW."at", NEW."by_id", NEW."id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."victim_id"); RETURN NULL;', hash='8c039b8fd67f50990353854b4e4ae9bca3158bc0', operation='INSERT', pgid='pgtrigger_insert_insert_d6644', table='victims_advocatenote', when='AFTER')), pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."at" IS DISTINCT FROM (NEW."at") OR OLD."by_id" IS DISTINCT FROM (NEW."by_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."victim_id" IS DISTINCT FROM (NEW."victim_id"))', func='INSERT INTO "victims_advocatenotehistory" ("at", "by_id", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "victim_id") VALUES (NEW."at", NEW."by_id", NEW."id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."victim_id"); RETURN NULL;', hash='1e395078dda0bd2bfddd1cfbd4968b038b9a3068', operation='UPDATE', pgid='pgtrigger_update_update_483fd', table='victims_advocatenote', when='AFTER')), pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "victims_advocatenotehistory" ("at", "by_id", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "victim_id") VALUES (OLD."at", OLD."by_id", OLD."id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."victim_id"); RETURN NULL;', hash='5aee2fd1caf9479b8e5c1a59c386cab40d88b181', operation='DELETE', pgid='pgtrigger_delete_delete_53897', table='victims_advocatenote', when='AFTER'))],
                },
            ),
            migrations.CreateModel(
                name='Consent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                    ('scope', models.CharField(choices=[('status', 'Referral status only'), ('contact', 'Contact information'), ('summary', 'Service summary'), ('full', 'Full record')], max_length=10)),
                    ('purpose', models.CharField(help_text='Why the information is released.', max_length=200)),
                    ('signed_on', models.DateField()),
                    ('expires_on', models.DateField()),
                    ('signed_by_minor', models.BooleanField(default=False)),
                    ('guardian_name', taskforce.encryption.EncryptedCharField(blank=True, max_length=120)),
                    ('guardian_relationship', models.CharField(blank=True, max_length=60)),
                    ('guardian_is_alleged_abuser', models.BooleanField(default=False, help_text='An alleged abuser can never consent for a minor.')),
                    ('revoked_on', models.DateTimeField(blank=True, null=True)),
                    ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('signed_form', models.FileField(blank=True, max_length=200, storage=cases.models.notes.private_storage, upload_to=victims.models._consent_path)),
                    ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('share', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='taskforce.share')),
                    ('to_agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='taskforce.agency')),
                    ('victim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consents', to='victims.victim')),
                ],
                options={
                    'ordering': ['-signed_on', '-id'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('expires_on__gt', models.F('signed_on'))), name='consent_expires_after_signing', violation_error_message='Consent must expire after it is signed.'), models.CheckConstraint(condition=models.Q(('guardian_is_alleged_abuser', False)), name='abuser_never_consents', violation_error_message='An alleged abuser cannot consent for a minor.')],
                    'triggers': [pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "victims_consenthistory" ("expires_on", "guardian_is_alleged_abuser", "guardian_relationship", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "public_id", "purpose", "recorded_at", "recorded_by_id", "revoked_by_id", "revoked_on", "scope", "share_id", "signed_by_minor", "signed_form", "signed_on", "to_agency_id", "victim_id") VALUES (NEW."expires_on", NEW."guardian_is_alleged_abuser", NEW."guardian_relationship", NEW."id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."public_id", NEW."purpose", NEW."recorded_at", NEW."recorded_by_id", NEW."revoked_by_id", NEW."revoked_on", NEW."scope", NEW."share_id", NEW."signed_by_minor", NEW."signed_form", NEW."signed_on", NEW."to_agency_id", NEW."victim_id"); RETURN NULL;', hash='167ca2c8d6329dab68e100b74808e1379ec725c8', operation='INSERT', pgid='pgtrigger_insert_insert_e2b0f', table='victims_consent', when='AFTER')), pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."expires_on" IS DISTINCT FROM (NEW."expires_on") OR OLD."guardian_is_alleged_abuser" IS DISTINCT FROM (NEW."guardian_is_alleged_abuser") OR OLD."guardian_relationship" IS DISTINCT FROM (NEW."guardian_relationship") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."public_id" IS DISTINCT FROM (NEW."public_id") OR OLD."purpose" IS DISTINCT FROM (NEW."purpose") OR OLD."recorded_at" IS DISTINCT FROM (NEW."recorded_at") OR OLD."recorded_by_id" IS DISTINCT FROM (NEW."recorded_by_id") OR OLD."revoked_by_id" IS DISTINCT FROM (NEW."revoked_by_id") OR OLD."revoked_on" IS DISTINCT FROM (NEW."revoked_on") OR OLD."scope" IS DISTINCT FROM (NEW."scope") OR OLD."share_id" IS DISTINCT FROM (NEW."share_id") OR OLD."signed_by_minor" IS DISTINCT FROM (NEW."signed_by_minor") OR OLD."signed_form" IS DISTINCT FROM (NEW."signed_form") OR OLD."signed_on" IS DISTINCT FROM (NEW."signed_on") OR OLD."to_agency_id" IS DISTINCT FROM (NEW."to_agency_id") OR OLD."victim_id" IS DISTINCT FROM (NEW."victim_id"))', func='INSERT INTO "victims_consenthistory" ("expires_on", "guardian_is_alleged_abuser", "guardian_relationship", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "public_id", "purpose", "recorded_at", "recorded_by_id", "revoked_by_id", "revoked_on", "scope", "share_id", "signed_by_minor", "signed_form", "signed_on", "to_agency_id", "victim_id") VALUES (NEW."expires_on", NEW."guardian_is_alleged_abuser", NEW."guardian_relationship", NEW."id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."public_id", NEW."purpose", NEW."recorded_at", NEW."recorded_by_id", NEW."revoked_by_id", NEW."revoked_on", NEW."scope", NEW."share_id", NEW."signed_by_minor", NEW."signed_form", NEW."signed_on", NEW."to_agency_id", NEW."victim_id"); RETURN NULL;', hash='f502a93d82f953724a5b23b007668e4566e10bba', operation='UPDATE', pgid='pgtrigger_update_update_2fef8', table='victims_consent', when='AFTER')), pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "victims_consenthistory" ("expires_on", "guardian_is_alleged_abuser", "guardian_relationship", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "public_id", "purpose", "recorded_at", "recorded_by_id", "revoked_by_id", "revoked_on", "scope", "share_id", "signed_by_minor", "signed_form", "signed_on", "to_agency_id", "victim_id") VALUES (OLD."expires_on", OLD."guardian_is_alleged_abuser", OLD."guardian_relationship", OLD."id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."public_id", OLD."purpose", OLD."recorded_at", OLD."recorded_by_id", OLD."revoked_by_id", OLD."revoked_on", OLD."scope", OLD."share_id", OLD."signed_by_minor", OLD."signed_form", OLD."signed_on", OLD."to_agency_id", OLD."victim_id"); RETURN NULL;', hash='43bef428afff6e6006fdd610686345a804f4a3db', operation='DELETE', pgid='pgtrigger_delete_delete_c8a75', table='victims_consent', when='AFTER'))],
                },
            ),
            migrations.CreateModel(
                name='Contact',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('at', models.DateTimeField()),
                    ('method', models.CharField(choices=[('phone', 'Phone'), ('text', 'Text message'), ('letter', 'Letter'), ('email', 'Email'), ('in_person', 'In person'), ('advocate', 'Through their advocate'), ('through_other', 'Through someone else')], max_length=15)),
                    ('reached', models.BooleanField(help_text='Did the attempt reach the person?')),
                    ('outcome', taskforce.encryption.EncryptedTextField(blank=True)),
                    ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('victim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='victims.victim')),
                ],
                options={
                    'ordering': ['-at', '-id'],
                    'triggers': [pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "victims_contacthistory" ("at", "by_id", "id", "method", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reached", "victim_id") VALUES (NEW."at", NEW."by_id", NEW."id", NEW."method", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."reached", NEW."victim_id"); RETURN NULL;', hash='381adf8a0d7c979032a684e8ed77f3513f818ca0', operation='INSERT', pgid='pgtrigger_insert_insert_89069', table='victims_contact', when='AFTER')), pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."at" IS DISTINCT FROM (NEW."at") OR OLD."by_id" IS DISTINCT FROM (NEW."by_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."method" IS DISTINCT FROM (NEW."method") OR OLD."reached" IS DISTINCT FROM (NEW."reached") OR OLD."victim_id" IS DISTINCT FROM (NEW."victim_id"))', func='INSERT INTO "victims_contacthistory" ("at", "by_id", "id", "method", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reached", "victim_id") VALUES (NEW."at", NEW."by_id", NEW."id", NEW."method", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."reached", NEW."victim_id"); RETURN NULL;', hash='5d02508ad5def3859c7073202389c1297220ebae', operation='UPDATE', pgid='pgtrigger_update_update_82ec2', table='victims_contact', when='AFTER')), pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "victims_contacthistory" ("at", "by_id", "id", "method", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reached", "victim_id") VALUES (OLD."at", OLD."by_id", OLD."id", OLD."method", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."reached", OLD."victim_id"); RETURN NULL;', hash='4d8217b76e79e42adf85179c6dea535e698133c8', operation='DELETE', pgid='pgtrigger_delete_delete_a6be2', table='victims_contact', when='AFTER'))],
                },
            ),
            migrations.CreateModel(
                name='Service',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                    ('kind', models.CharField(choices=[('housing', 'Housing'), ('shelter', 'Emergency shelter'), ('counseling', 'Counseling'), ('medical', 'Medical'), ('chemical_health', 'Chemical health'), ('legal', 'Legal'), ('education', 'Education'), ('employment', 'Employment'), ('transportation', 'Transportation'), ('basic_needs', 'Basic needs')], max_length=20)),
                    ('provider', models.CharField(blank=True, max_length=160)),
                    ('status', models.CharField(choices=[('offered', 'Offered'), ('delivering', 'Being delivered'), ('completed', 'Completed'), ('declined', 'Declined by the person')], default='offered', max_length=12)),
                    ('offered_on', models.DateField(default=django.utils.timezone.localdate)),
                    ('started_on', models.DateField(blank=True, null=True)),
                    ('ended_on', models.DateField(blank=True, null=True)),
                    ('outcome', models.TextField(blank=True)),
                    ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('victim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='services', to='victims.victim')),
                ],
                options={
                    'ordering': ['-offered_on', '-id'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('started_on__isnull', True), ('ended_on__gte', models.F('started_on')), _connector='OR'), name='service_ends_after_it_starts')],
                    'triggers': [pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "victims_servicehistory" ("ended_on", "id", "kind", "offered_on", "outcome", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provider", "public_id", "recorded_by_id", "started_on", "status", "victim_id") VALUES (NEW."ended_on", NEW."id", NEW."kind", NEW."offered_on", NEW."outcome", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."provider", NEW."public_id", NEW."recorded_by_id", NEW."started_on", NEW."status", NEW."victim_id"); RETURN NULL;', hash='3f4486f9aa58f9ef2f17156d5adda3168cac68fe', operation='INSERT', pgid='pgtrigger_insert_insert_60043', table='victims_service', when='AFTER')), pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "victims_servicehistory" ("ended_on", "id", "kind", "offered_on", "outcome", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provider", "public_id", "recorded_by_id", "started_on", "status", "victim_id") VALUES (NEW."ended_on", NEW."id", NEW."kind", NEW."offered_on", NEW."outcome", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."provider", NEW."public_id", NEW."recorded_by_id", NEW."started_on", NEW."status", NEW."victim_id"); RETURN NULL;', hash='9bb315437d7a72414822a7ff093a36daaeb5c11b', operation='UPDATE', pgid='pgtrigger_update_update_fa8e3', table='victims_service', when='AFTER')), pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "victims_servicehistory" ("ended_on", "id", "kind", "offered_on", "outcome", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provider", "public_id", "recorded_by_id", "started_on", "status", "victim_id") VALUES (OLD."ended_on", OLD."id", OLD."kind", OLD."offered_on", OLD."outcome", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."provider", OLD."public_id", OLD."recorded_by_id", OLD."started_on", OLD."status", OLD."victim_id"); RETURN NULL;', hash='4c5b041b2a37c3889ab43ce211bbc2eb134c450d', operation='DELETE', pgid='pgtrigger_delete_delete_89254', table='victims_service', when='AFTER'))],
                },
            ),
            migrations.CreateModel(
                name='Victim',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                    ('updated_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                    ('version', models.PositiveIntegerField(default=1, editable=False)),
                    ('sealed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('seal_reason', models.TextField(blank=True, editable=False)),
                    ('identified_on', models.DateField(default=django.utils.timezone.localdate)),
                    ('identified_how', models.CharField(choices=[('sting', 'Sting or operation'), ('tip', 'Tip line'), ('hotel', 'Hotel staff'), ('school', 'School'), ('family', 'Family'), ('self', 'Self-identified'), ('other_agency', 'Another agency'), ('other', 'Other')], max_length=20)),
                    ('age_group', models.CharField(choices=[('minor', 'Under 18'), ('18-24', '18 to 24'), ('25+', '25 and over'), ('unknown', 'Age unknown')], default='unknown', editable=False, max_length=8)),
                    ('safe_harbor_override', models.BooleanField(blank=True, help_text='Leave empty to follow the date of birth.', null=True)),
                    ('override_reason', taskforce.encryption.EncryptedTextField(blank=True)),
                    ('guardian_note', taskforce.encryption.EncryptedTextField(blank=True, help_text='For a minor: who has custody, and any no-contact orders.')),
                    ('screening_tool', models.CharField(blank=True, help_text='e.g. MYTEI, TVIT', max_length=60)),
                    ('screening_version', models.CharField(blank=True, max_length=20)),
                    ('screened_on', models.DateField(blank=True, null=True)),
                    ('screening_score', taskforce.encryption.EncryptedCharField(blank=True, max_length=40)),
                    ('screener', models.CharField(blank=True, max_length=120)),
                    ('safety_concerns', taskforce.encryption.EncryptedTextField(blank=True)),
                    ('address', taskforce.encryption.EncryptedCharField(blank=True, help_text='Where they are staying.', max_length=200)),
                    ('phone', taskforce.encryption.EncryptedCharField(blank=True, max_length=40)),
                    ('contact_method', taskforce.encryption.EncryptedCharField(blank=True, max_length=120)),
                    ('safe_times', taskforce.encryption.EncryptedCharField(blank=True, max_length=120)),
                    ('language', models.CharField(blank=True, max_length=60)),
                    ('interpreter_needed', models.BooleanField(default=False)),
                    ('assigned_advocate', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('owner_agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='taskforce.agency')),
                    ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='victim_records', to='cases.person')),
                    ('sealed_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('updated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'indexes': [models.Index(fields=['identified_on'], name='victim_identified'), models.Index(fields=['owner_agency', '-updated_at', '-id'], name='victim_owner_recent')],
                    'triggers': [pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "victims_victimhistory" ("age_group", "assigned_advocate_id", "created_at", "created_by_id", "id", "identified_how", "identified_on", "interpreter_needed", "language", "owner_agency_id", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "public_id", "safe_harbor_override", "screened_on", "screener", "screening_tool", "screening_version", "seal_reason", "sealed_at", "sealed_by_id", "updated_at", "updated_by_id", "version") VALUES (NEW."age_group", NEW."assigned_advocate_id", NEW."created_at", NEW."created_by_id", NEW."id", NEW."identified_how", NEW."identified_on", NEW."interpreter_needed", NEW."language", NEW."owner_agency_id", NEW."person_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."public_id", NEW."safe_harbor_override", NEW."screened_on", NEW."screener", NEW."screening_tool", NEW."screening_version", NEW."seal_reason", NEW."sealed_at", NEW."sealed_by_id", NEW."updated_at", NEW."updated_by_id", NEW."version"); RETURN NULL;', hash='77763d282870cb9d89867de36f66ee5575c58b2a', operation='INSERT', pgid='pgtrigger_insert_insert_9f17e', table='victims_victim', when='AFTER')), pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."age_group" IS DISTINCT FROM (NEW."age_group") OR OLD."assigned_advocate_id" IS DISTINCT FROM (NEW."assigned_advocate_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."identified_how" IS DISTINCT FROM (NEW."identified_how") OR OLD."identified_on" IS DISTINCT FROM (NEW."identified_on") OR OLD."interpreter_needed" IS DISTINCT FROM (NEW."interpreter_needed") OR OLD."language" IS DISTINCT FROM (NEW."language") OR OLD."owner_agency_id" IS DISTINCT FROM (NEW."owner_agency_id") OR OLD."person_id" IS DISTINCT FROM (NEW."person_id") OR OLD."public_id" IS DISTINCT FROM (NEW."public_id") OR OLD."safe_harbor_override" IS DISTINCT FROM (NEW."safe_harbor_override") OR OLD."screened_on" IS DISTINCT FROM (NEW."screened_on") OR OLD."screener" IS DISTINCT FROM (NEW."screener") OR OLD."screening_tool" IS DISTINCT FROM (NEW."screening_tool") OR OLD."screening_version" IS DISTINCT FROM (NEW."screening_version") OR OLD."seal_reason" IS DISTINCT FROM (NEW."seal_reason") OR OLD."sealed_at" IS DISTINCT FROM (NEW."sealed_at") OR OLD."sealed_by_id" IS DISTINCT FROM (NEW."sealed_by_id") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at") OR OLD."updated_by_id" IS DISTINCT FROM (NEW."updated_by_id") OR OLD."version" IS DISTINCT FROM (NEW."version"))', func='INSERT INTO "victims_victimhistory" ("age_group", "assigned_advocate_id", "created_at", "created_by_id", "id", "identified_how", "identified_on", "interpreter_needed", "language", "owner_agency_id", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "public_id", "safe_harbor_override", "screened_on", "screener", "screening_tool", "screening_version", "seal_reason", "sealed_at", "sealed_by_id", "updated_at", "updated_by_id", "version") VALUES (NEW."age_group", NEW."assigned_advocate_id", NEW."created_at", NEW."created_by_id", NEW."id", NEW."identified_how", NEW."identified_on", NEW."interpreter_needed", NEW."language", NEW."owner_agency_id", NEW."person_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."public_id", NEW."safe_harbor_override", NEW."screened_on", NEW."screener", NEW."screening_tool", NEW."screening_version", NEW."seal_reason", NEW."sealed_at", NEW."sealed_by_id", NEW."updated_at", NEW."updated_by_id", NEW."version"); RETURN NULL;', hash='d1251332abf09187cc443bb56d6caadf0bcc3364', operation='UPDATE', pgid='pgtrigger_update_update_ec72f', table='victims_victim', when='AFTER')), pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "victims_victimhistory" ("age_group", "assigned_advocate_id", "created_at", "created_by_id", "id", "identified_how", "identified_on", "interpreter_needed", "language", "owner_agency_id", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "public_id", "safe_harbor_override", "screened_on", "screener", "screening_tool", "screening_version", "seal_reason", "sealed_at", "sealed_by_id", "updated_at", "updated_by_id", "version") VALUES (OLD."age_group", OLD."assigned_advocate_id", OLD."created_at", OLD."created_by_id", OLD."id", OLD."identified_how", OLD."identified_on", OLD."interpreter_needed", OLD."language", OLD."owner_agency_id", OLD."person_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."public_id", OLD."safe_harbor_override", OLD."screened_on", OLD."screener", OLD."screening_tool", OLD."screening_version", OLD."seal_reason", OLD."sealed_at", OLD."sealed_by_id", OLD."updated_at", OLD."updated_by_id", OLD."version"); RETURN NULL;', hash='f4facc55a5b231ef1013aaadaaf91a65b03313b6', operation='DELETE', pgid='pgtrigger_delete_delete_ee5b5', table='victims_victim', when='AFTER'))],
                },
            ),
            migrations.CreateModel(
                name='ServiceHistory',
                fields=[
                    ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                    ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                    ('pgh_label', models.TextField(help_text='The event label.')),
                    ('id', models.BigIntegerField()),
                    ('public_id', models.UUIDField(default=uuid.uuid4, editable=False)),
                    ('kind', models.CharField(choices=[('housing', 'Housing'), ('shelter', 'Emergency shelter'), ('counseling', 'Counseling'), ('medical', 'Medical'), ('chemical_health', 'Chemical health'), ('legal', 'Legal'), ('education', 'Education'), ('employment', 'Employment'), ('transportation', 'Transportation'), ('basic_needs', 'Basic needs')], max_length=20)),
                    ('provider', models.CharField(blank=True, max_length=160)),
                    ('status', models.CharField(choices=[('offered', 'Offered'), ('delivering', 'Being delivered'), ('completed', 'Completed'), ('declined', 'Declined by the person')], default='offered', max_length=12)),
                    ('offered_on', models.DateField(default=django.utils.timezone.localdate)),
                    ('started_on', models.DateField(blank=True, null=True)),
                    ('ended_on', models.DateField(blank=True, null=True)),
                    ('outcome', models.TextField(blank=True)),
                    ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                    ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='victims.service')),
                    ('recorded_by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('victim', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='victims.victim')),
                ],
                options={
                    'abstract': False,
                },
            ),
            migrations.CreateModel(
                name='ContactHistory',
                fields=[
                    ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                    ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                    ('pgh_label', models.TextField(help_text='The event label.')),
                    ('id', models.BigIntegerField()),
                    ('at', models.DateTimeField()),
                    ('method', models.CharField(choices=[('phone', 'Phone'), ('text', 'Text message'), ('letter', 'Letter'), ('email', 'Email'), ('in_person', 'In person'), ('advocate', 'Through their advocate'), ('through_other', 'Through someone else')], max_length=15)),
                    ('reached', models.BooleanField(help_text='Did the attempt reach the person?')),
                    ('by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                    ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='victims.contact')),
                    ('victim', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='victims.victim')),
                ],
                options={
                    'abstract': False,
                },
            ),
            migrations.CreateModel(
                name='ConsentHistory',
                fields=[
                    ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                    ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                    ('pgh_label', models.TextField(help_text='The event label.')),
                    ('id', models.BigIntegerField()),
                    ('public_id', models.UUIDField(default=uuid.uuid4, editable=False)),
                    ('scope', models.CharField(choices=[('status', 'Referral status only'), ('contact', 'Contact information'), ('summary', 'Service summary'), ('full', 'Full record')], max_length=10)),
                    ('purpose', models.CharField(help_text='Why the information is released.', max_length=200)),
                    ('signed_on', models.DateField()),
                    ('expires_on', models.DateField()),
                    ('signed_by_minor', models.BooleanField(default=False)),
                    ('guardian_relationship', models.CharField(blank=True, max_length=60)),
                    ('guardian_is_alleged_abuser', models.BooleanField(default=False, help_text='An alleged abuser can never consent for a minor.')),
                    ('revoked_on', models.DateTimeField(blank=True, null=True)),
                    ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('signed_form', models.FileField(blank=True, max_length=200, storage=cases.models.notes.private_storage, upload_to=victims.models._consent_path)),
                    ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                    ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='victims.consent')),
                    ('recorded_by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('revoked_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('share', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='taskforce.share')),
                    ('to_agency', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='taskforce.agency')),
                    ('victim', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='victims.victim')),
                ],
                options={
                    'abstract': False,
                },
            ),
            migrations.CreateModel(
                name='AdvocateNoteHistory',
                fields=[
                    ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                    ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                    ('pgh_label', models.TextField(help_text='The event label.')),
                    ('id', models.BigIntegerField()),
                    ('at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                    ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='victims.advocatenote')),
                    ('victim', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='victims.victim')),
                ],
                options={
                    'abstract': False,
                },
            ),
            migrations.CreateModel(
                name='VictimGroupObjectPermission',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('expires_at', models.DateTimeField(blank=True, null=True)),
                    ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='victims.victim')),
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
                name='VictimHistory',
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
                    ('identified_on', models.DateField(default=django.utils.timezone.localdate)),
                    ('identified_how', models.CharField(choices=[('sting', 'Sting or operation'), ('tip', 'Tip line'), ('hotel', 'Hotel staff'), ('school', 'School'), ('family', 'Family'), ('self', 'Self-identified'), ('other_agency', 'Another agency'), ('other', 'Other')], max_length=20)),
                    ('age_group', models.CharField(choices=[('minor', 'Under 18'), ('18-24', '18 to 24'), ('25+', '25 and over'), ('unknown', 'Age unknown')], default='unknown', editable=False, max_length=8)),
                    ('safe_harbor_override', models.BooleanField(blank=True, help_text='Leave empty to follow the date of birth.', null=True)),
                    ('screening_tool', models.CharField(blank=True, help_text='e.g. MYTEI, TVIT', max_length=60)),
                    ('screening_version', models.CharField(blank=True, max_length=20)),
                    ('screened_on', models.DateField(blank=True, null=True)),
                    ('screener', models.CharField(blank=True, max_length=120)),
                    ('language', models.CharField(blank=True, max_length=60)),
                    ('interpreter_needed', models.BooleanField(default=False)),
                    ('assigned_advocate', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('created_by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('owner_agency', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='taskforce.agency')),
                    ('person', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.person')),
                    ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                    ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='victims.victim')),
                    ('sealed_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('updated_by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'abstract': False,
                },
            ),
            migrations.CreateModel(
                name='VictimUserObjectPermission',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('expires_at', models.DateTimeField(blank=True, null=True)),
                    ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='victims.victim')),
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
