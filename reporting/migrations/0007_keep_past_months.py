"""Past months' figures kept, and the triggers that forget them when their records change.

The SQL is written out here, not imported from reporting.kept: a fresh install must get exactly
what existing installs got when they ran this migration, whatever the live code says later. A
change to the triggers is a new migration."""

import django.utils.timezone
from django.db import migrations, models

INSTALL = r"""
CREATE OR REPLACE FUNCTION reporting_kept_forget_from(earliest date) RETURNS void AS $$
BEGIN
    IF earliest IS NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(1262833748);
    DELETE FROM reporting_keptmonth WHERE month >= date_trunc('month', earliest)::date;
END;
$$ LANGUAGE plpgsql;


CREATE OR REPLACE FUNCTION reporting_kept_contact_changed() RETURNS trigger AS $$
DECLARE
    earliest date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min((r.at AT TIME ZONE 'Europe/London')::date) INTO earliest FROM new_rows r ;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT min((r.at AT TIME ZONE 'Europe/London')::date) INTO earliest FROM old_rows r ;
    ELSE
        SELECT min((r.at AT TIME ZONE 'Europe/London')::date) INTO earliest FROM (
            SELECT o.id, o.at, o.client_id, o.bedded_down FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.at IS DISTINCT FROM n.at OR o.client_id IS DISTINCT FROM n.client_id OR o.bedded_down IS DISTINCT FROM n.bedded_down
            UNION ALL
            SELECT n.id, n.at, n.client_id, n.bedded_down FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.at IS DISTINCT FROM n.at OR o.client_id IS DISTINCT FROM n.client_id OR o.bedded_down IS DISTINCT FROM n.bedded_down
        ) AS r (id, at, client_id, bedded_down) ;
    END IF;
    PERFORM reporting_kept_forget_from(earliest);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reporting_kept_insert ON "outreach_contact";
CREATE TRIGGER reporting_kept_insert AFTER INSERT ON "outreach_contact" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_contact_changed();
DROP TRIGGER IF EXISTS reporting_kept_update ON "outreach_contact";
CREATE TRIGGER reporting_kept_update AFTER UPDATE ON "outreach_contact" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_contact_changed();
DROP TRIGGER IF EXISTS reporting_kept_delete ON "outreach_contact";
CREATE TRIGGER reporting_kept_delete AFTER DELETE ON "outreach_contact" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_contact_changed();

CREATE OR REPLACE FUNCTION reporting_kept_placement_changed() RETURNS trigger AS $$
DECLARE
    earliest date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min(r.start) - 14 INTO earliest FROM new_rows r ;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT min(r.start) - 14 INTO earliest FROM old_rows r ;
    ELSE
        SELECT min(r.start) - 14 INTO earliest FROM (
            SELECT o.id, o.start, o.client_id, o.unit_id FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.start IS DISTINCT FROM n.start OR o.client_id IS DISTINCT FROM n.client_id OR o.unit_id IS DISTINCT FROM n.unit_id
            UNION ALL
            SELECT n.id, n.start, n.client_id, n.unit_id FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.start IS DISTINCT FROM n.start OR o.client_id IS DISTINCT FROM n.client_id OR o.unit_id IS DISTINCT FROM n.unit_id
        ) AS r (id, start, client_id, unit_id) ;
    END IF;
    PERFORM reporting_kept_forget_from(earliest);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reporting_kept_insert ON "accommodation_placement";
CREATE TRIGGER reporting_kept_insert AFTER INSERT ON "accommodation_placement" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_placement_changed();
DROP TRIGGER IF EXISTS reporting_kept_update ON "accommodation_placement";
CREATE TRIGGER reporting_kept_update AFTER UPDATE ON "accommodation_placement" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_placement_changed();
DROP TRIGGER IF EXISTS reporting_kept_delete ON "accommodation_placement";
CREATE TRIGGER reporting_kept_delete AFTER DELETE ON "accommodation_placement" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_placement_changed();

CREATE OR REPLACE FUNCTION reporting_kept_intervention_changed() RETURNS trigger AS $$
DECLARE
    earliest date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min(r.closed) - 14 INTO earliest FROM new_rows r WHERE r.kind = 'reconnection';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT min(r.closed) - 14 INTO earliest FROM old_rows r WHERE r.kind = 'reconnection';
    ELSE
        SELECT min(r.closed) - 14 INTO earliest FROM (
            SELECT o.id, o.kind, o.closed, o.outcome, o.client_id FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.kind IS DISTINCT FROM n.kind OR o.closed IS DISTINCT FROM n.closed OR o.outcome IS DISTINCT FROM n.outcome OR o.client_id IS DISTINCT FROM n.client_id
            UNION ALL
            SELECT n.id, n.kind, n.closed, n.outcome, n.client_id FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.kind IS DISTINCT FROM n.kind OR o.closed IS DISTINCT FROM n.closed OR o.outcome IS DISTINCT FROM n.outcome OR o.client_id IS DISTINCT FROM n.client_id
        ) AS r (id, kind, closed, outcome, client_id) WHERE r.kind = 'reconnection';
    END IF;
    PERFORM reporting_kept_forget_from(earliest);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reporting_kept_insert ON "outreach_intervention";
CREATE TRIGGER reporting_kept_insert AFTER INSERT ON "outreach_intervention" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_intervention_changed();
DROP TRIGGER IF EXISTS reporting_kept_update ON "outreach_intervention";
CREATE TRIGGER reporting_kept_update AFTER UPDATE ON "outreach_intervention" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_intervention_changed();
DROP TRIGGER IF EXISTS reporting_kept_delete ON "outreach_intervention";
CREATE TRIGGER reporting_kept_delete AFTER DELETE ON "outreach_intervention" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_intervention_changed();

CREATE OR REPLACE FUNCTION reporting_kept_plan_changed() RETURNS trigger AS $$
DECLARE
    earliest date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min(r.start) INTO earliest FROM new_rows r ;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT min(r.start) INTO earliest FROM old_rows r ;
    ELSE
        SELECT min(r.start) INTO earliest FROM (
            SELECT o.id, o.start, o."end", o.client_id FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.start IS DISTINCT FROM n.start OR o."end" IS DISTINCT FROM n."end" OR o.client_id IS DISTINCT FROM n.client_id
            UNION ALL
            SELECT n.id, n.start, n."end", n.client_id FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.start IS DISTINCT FROM n.start OR o."end" IS DISTINCT FROM n."end" OR o.client_id IS DISTINCT FROM n.client_id
        ) AS r (id, start, "end", client_id) ;
    END IF;
    PERFORM reporting_kept_forget_from(earliest);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reporting_kept_insert ON "clients_supportplan";
CREATE TRIGGER reporting_kept_insert AFTER INSERT ON "clients_supportplan" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_plan_changed();
DROP TRIGGER IF EXISTS reporting_kept_update ON "clients_supportplan";
CREATE TRIGGER reporting_kept_update AFTER UPDATE ON "clients_supportplan" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_plan_changed();
DROP TRIGGER IF EXISTS reporting_kept_delete ON "clients_supportplan";
CREATE TRIGGER reporting_kept_delete AFTER DELETE ON "clients_supportplan" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_plan_changed();

CREATE OR REPLACE FUNCTION reporting_kept_plan_agencies_changed() RETURNS trigger AS $$
DECLARE
    earliest date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min(coalesce((SELECT p.start FROM clients_supportplan p WHERE p.id = r.supportplan_id), DATE '0001-01-01')) INTO earliest FROM new_rows r ;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT min(coalesce((SELECT p.start FROM clients_supportplan p WHERE p.id = r.supportplan_id), DATE '0001-01-01')) INTO earliest FROM old_rows r ;
    ELSE
        SELECT min(coalesce((SELECT p.start FROM clients_supportplan p WHERE p.id = r.supportplan_id), DATE '0001-01-01')) INTO earliest FROM (
            SELECT o.id, o.supportplan_id, o.agency_id FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.supportplan_id IS DISTINCT FROM n.supportplan_id OR o.agency_id IS DISTINCT FROM n.agency_id
            UNION ALL
            SELECT n.id, n.supportplan_id, n.agency_id FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.supportplan_id IS DISTINCT FROM n.supportplan_id OR o.agency_id IS DISTINCT FROM n.agency_id
        ) AS r (id, supportplan_id, agency_id) ;
    END IF;
    PERFORM reporting_kept_forget_from(earliest);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reporting_kept_insert ON "clients_supportplan_agencies";
CREATE TRIGGER reporting_kept_insert AFTER INSERT ON "clients_supportplan_agencies" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_plan_agencies_changed();
DROP TRIGGER IF EXISTS reporting_kept_update ON "clients_supportplan_agencies";
CREATE TRIGGER reporting_kept_update AFTER UPDATE ON "clients_supportplan_agencies" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_plan_agencies_changed();
DROP TRIGGER IF EXISTS reporting_kept_delete ON "clients_supportplan_agencies";
CREATE TRIGGER reporting_kept_delete AFTER DELETE ON "clients_supportplan_agencies" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_plan_agencies_changed();

CREATE OR REPLACE FUNCTION reporting_kept_health_access_changed() RETURNS trigger AS $$
DECLARE
    earliest date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min(r.date) INTO earliest FROM new_rows r WHERE r.kind IN ('gp_registration', 'gp_appointment');
    ELSIF TG_OP = 'DELETE' THEN
        SELECT min(r.date) INTO earliest FROM old_rows r WHERE r.kind IN ('gp_registration', 'gp_appointment');
    ELSE
        SELECT min(r.date) INTO earliest FROM (
            SELECT o.id, o.kind, o.date, o.client_id FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.kind IS DISTINCT FROM n.kind OR o.date IS DISTINCT FROM n.date OR o.client_id IS DISTINCT FROM n.client_id
            UNION ALL
            SELECT n.id, n.kind, n.date, n.client_id FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.kind IS DISTINCT FROM n.kind OR o.date IS DISTINCT FROM n.date OR o.client_id IS DISTINCT FROM n.client_id
        ) AS r (id, kind, date, client_id) WHERE r.kind IN ('gp_registration', 'gp_appointment');
    END IF;
    PERFORM reporting_kept_forget_from(earliest);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reporting_kept_insert ON "clients_healthaccess";
CREATE TRIGGER reporting_kept_insert AFTER INSERT ON "clients_healthaccess" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_health_access_changed();
DROP TRIGGER IF EXISTS reporting_kept_update ON "clients_healthaccess";
CREATE TRIGGER reporting_kept_update AFTER UPDATE ON "clients_healthaccess" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_health_access_changed();
DROP TRIGGER IF EXISTS reporting_kept_delete ON "clients_healthaccess";
CREATE TRIGGER reporting_kept_delete AFTER DELETE ON "clients_healthaccess" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_health_access_changed();

CREATE OR REPLACE FUNCTION reporting_kept_client_changed() RETURNS trigger AS $$
DECLARE
    earliest date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min((SELECT min((c.at AT TIME ZONE 'Europe/London')::date) FROM outreach_contact c WHERE c.client_id = r.id)) INTO earliest FROM new_rows r ;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT min((SELECT min((c.at AT TIME ZONE 'Europe/London')::date) FROM outreach_contact c WHERE c.client_id = r.id)) INTO earliest FROM old_rows r ;
    ELSE
        SELECT min((SELECT min((c.at AT TIME ZONE 'Europe/London')::date) FROM outreach_contact c WHERE c.client_id = r.id)) INTO earliest FROM (
            SELECT o.id, o.primary_care_relevant FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.primary_care_relevant IS DISTINCT FROM n.primary_care_relevant
            UNION ALL
            SELECT n.id, n.primary_care_relevant FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.primary_care_relevant IS DISTINCT FROM n.primary_care_relevant
        ) AS r (id, primary_care_relevant) ;
    END IF;
    PERFORM reporting_kept_forget_from(earliest);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reporting_kept_update ON "clients_client";
CREATE TRIGGER reporting_kept_update AFTER UPDATE ON "clients_client" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_client_changed();

CREATE OR REPLACE FUNCTION reporting_kept_unit_changed() RETURNS trigger AS $$
DECLARE
    earliest date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min(DATE '0001-01-01') INTO earliest FROM new_rows r ;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT min(DATE '0001-01-01') INTO earliest FROM old_rows r ;
    ELSE
        SELECT min(DATE '0001-01-01') INTO earliest FROM (
            SELECT o.id, o.property_id FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.property_id IS DISTINCT FROM n.property_id
            UNION ALL
            SELECT n.id, n.property_id FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.property_id IS DISTINCT FROM n.property_id
        ) AS r (id, property_id) ;
    END IF;
    PERFORM reporting_kept_forget_from(earliest);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reporting_kept_update ON "accommodation_unit";
CREATE TRIGGER reporting_kept_update AFTER UPDATE ON "accommodation_unit" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_unit_changed();

CREATE OR REPLACE FUNCTION reporting_kept_property_changed() RETURNS trigger AS $$
DECLARE
    earliest date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min(DATE '0001-01-01') INTO earliest FROM new_rows r ;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT min(DATE '0001-01-01') INTO earliest FROM old_rows r ;
    ELSE
        SELECT min(DATE '0001-01-01') INTO earliest FROM (
            SELECT o.id, o.type FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.type IS DISTINCT FROM n.type
            UNION ALL
            SELECT n.id, n.type FROM old_rows o
                JOIN new_rows n ON n.id = o.id WHERE o.type IS DISTINCT FROM n.type
        ) AS r (id, type) ;
    END IF;
    PERFORM reporting_kept_forget_from(earliest);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reporting_kept_update ON "accommodation_property";
CREATE TRIGGER reporting_kept_update AFTER UPDATE ON "accommodation_property" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_kept_property_changed();"""

REMOVE = r"""
DROP TRIGGER IF EXISTS reporting_kept_insert ON "outreach_contact";
DROP TRIGGER IF EXISTS reporting_kept_update ON "outreach_contact";
DROP TRIGGER IF EXISTS reporting_kept_delete ON "outreach_contact";
DROP FUNCTION IF EXISTS reporting_kept_contact_changed();
DROP TRIGGER IF EXISTS reporting_kept_insert ON "accommodation_placement";
DROP TRIGGER IF EXISTS reporting_kept_update ON "accommodation_placement";
DROP TRIGGER IF EXISTS reporting_kept_delete ON "accommodation_placement";
DROP FUNCTION IF EXISTS reporting_kept_placement_changed();
DROP TRIGGER IF EXISTS reporting_kept_insert ON "outreach_intervention";
DROP TRIGGER IF EXISTS reporting_kept_update ON "outreach_intervention";
DROP TRIGGER IF EXISTS reporting_kept_delete ON "outreach_intervention";
DROP FUNCTION IF EXISTS reporting_kept_intervention_changed();
DROP TRIGGER IF EXISTS reporting_kept_insert ON "clients_supportplan";
DROP TRIGGER IF EXISTS reporting_kept_update ON "clients_supportplan";
DROP TRIGGER IF EXISTS reporting_kept_delete ON "clients_supportplan";
DROP FUNCTION IF EXISTS reporting_kept_plan_changed();
DROP TRIGGER IF EXISTS reporting_kept_insert ON "clients_supportplan_agencies";
DROP TRIGGER IF EXISTS reporting_kept_update ON "clients_supportplan_agencies";
DROP TRIGGER IF EXISTS reporting_kept_delete ON "clients_supportplan_agencies";
DROP FUNCTION IF EXISTS reporting_kept_plan_agencies_changed();
DROP TRIGGER IF EXISTS reporting_kept_insert ON "clients_healthaccess";
DROP TRIGGER IF EXISTS reporting_kept_update ON "clients_healthaccess";
DROP TRIGGER IF EXISTS reporting_kept_delete ON "clients_healthaccess";
DROP FUNCTION IF EXISTS reporting_kept_health_access_changed();
DROP TRIGGER IF EXISTS reporting_kept_update ON "clients_client";
DROP FUNCTION IF EXISTS reporting_kept_client_changed();
DROP TRIGGER IF EXISTS reporting_kept_update ON "accommodation_unit";
DROP FUNCTION IF EXISTS reporting_kept_unit_changed();
DROP TRIGGER IF EXISTS reporting_kept_update ON "accommodation_property";
DROP FUNCTION IF EXISTS reporting_kept_property_changed();
DROP FUNCTION IF EXISTS reporting_kept_forget_from(date);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0006_rsdf_return"),
        # The tables the triggers watch.
        ("outreach", "0005_needs_observed_without_public_funds"),
        ("accommodation", "0003_limit_free_text"),
        ("clients", "0014_nationality_country_discharges"),
    ]

    operations = [
        migrations.CreateModel(
            name="KeptMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(help_text="The month's first day.", unique=True)),
                ("figures", models.JSONField()),
                ("kept_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["month"],
            },
        ),
        migrations.RunSQL(INSTALL, REMOVE),
    ]
