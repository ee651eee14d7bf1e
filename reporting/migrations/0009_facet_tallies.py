# Numbered 0009 after 0007: another change adds 0008 in parallel (the chain is
# fixed when both are merged).

from django.db import migrations, models


def fill_facet_tallies(apps, schema_editor):
    """Count what the existing summaries say under every filter, so filtered
    dashboards read right away (the events keep the counts from here on)."""
    if schema_editor.connection.schema_name != "public":
        return
    from django.utils import timezone

    from reporting.facet_tallies import rebuild_all_tallies

    rebuild_all_tallies(timezone.localdate())


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0008_monitoring_barrios_and_funnel"),
    ]

    operations = [
        migrations.CreateModel(
            name="FacetTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "course_key",
                    models.CharField(blank=True, max_length=120, verbose_name="curso"),
                ),
                (
                    "gender",
                    models.CharField(blank=True, max_length=40, verbose_name="género"),
                ),
                (
                    "age_group",
                    models.CharField(
                        blank=True, max_length=20, verbose_name="grupo de edad"
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        max_length=63, verbose_name="ámbito (esquema; vacío: ciudad)"
                    ),
                ),
                (
                    "dimension",
                    models.CharField(max_length=20, verbose_name="dimensión"),
                ),
                (
                    "category",
                    models.CharField(
                        blank=True, max_length=120, verbose_name="categoría"
                    ),
                ),
                ("people", models.IntegerField(default=0, verbose_name="personas")),
                ("enrolled", models.IntegerField(default=0, verbose_name="inscritas")),
                ("completed", models.IntegerField(default=0, verbose_name="formadas")),
                (
                    "certified",
                    models.IntegerField(default=0, verbose_name="certificadas"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "conteo precalculado con filtros (reporte)",
                "verbose_name_plural": "conteos precalculados con filtros (reporte)",
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "course_key",
                            "gender",
                            "age_group",
                            "scope",
                            "dimension",
                            "category",
                        ),
                        name="reporting_unique_facet_tally",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="FacetTallyDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("day", models.DateField(verbose_name="día")),
            ],
            options={
                "verbose_name": "día de las edades de los conteos con filtros",
                "verbose_name_plural": "días de las edades de los conteos con filtros",
            },
        ),
        migrations.AddIndex(
            model_name="tally",
            index=models.Index(
                fields=["dimension", "scope"], name="reporting_tally_dimension"
            ),
        ),
        migrations.AddIndex(
            model_name="learnerday",
            index=models.Index(
                fields=["day", "schema_name", "user_id"], name="reporting_day_people"
            ),
        ),
        migrations.RunPython(fill_facet_tallies, migrations.RunPython.noop),
    ]
