"""The demo's open dataset for `make run`: a real file, loaded at the campus.

The Registraduría's Senate 2018 turnout per locality (../shared, like the H5P
packages), one column per place, with its real errors: the labs' demo exercise.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from open_data_labs import api as open_data_api
from tenants import api as tenants_api

REGISTRADURIA_CSV = (
    Path(settings.BASE_DIR).parent
    / "shared"
    / "datasets"
    / "registraduria-senado-2018-participacion-localidades.csv"
)
DEMO_DATASET_KEY = "registraduria-senado-2018"


def load_demo_datasets() -> list[str]:
    """The Registraduría file as a campus dataset: the file, then the long version.

    Idempotent: each step runs only if its version is missing. Without ../shared
    the demo simply has no dataset.
    """
    if not REGISTRADURIA_CSV.exists():
        return []
    done: list[str] = []
    with tenants_api.in_locality("campus"):
        if DEMO_DATASET_KEY not in {d.key for d in open_data_api.list_datasets()}:
            open_data_api.create_dataset(
                "Participación electoral en el Senado 2018, por localidad",
                key=DEMO_DATASET_KEY,
                description=(
                    "Votos nulos, no marcados, válidos y potencial de votantes de "
                    "cada localidad de Bogotá (formularios E-26 de la Registraduría). "
                    "Tiene errores reales: aprender a verlos es parte del ejercicio."
                ),
                publisher="Registraduría Nacional del Estado Civil",
                licence="Datos públicos (Ley 1712 de 2014)",
            )
        versions = open_data_api.list_snapshots(DEMO_DATASET_KEY)
        if not versions:
            open_data_api.upload_snapshot(
                DEMO_DATASET_KEY,
                REGISTRADURIA_CSV.read_bytes(),
                filename=REGISTRADURIA_CSV.name,
            )
            done.append("datos abiertos en el campus: Registraduría 2018 (v1, ancha)")
        if len(versions) < 2:
            suggestion = open_data_api.suggest_turn(DEMO_DATASET_KEY, 1)
            long = open_data_api.turn_table(
                DEMO_DATASET_KEY,
                1,
                id_columns=list(suggestion.id_columns),
                value_columns=list(suggestion.value_columns),
                names_to="lugar",
                values_to="votos",
            )
            done.append(
                f"datos abiertos en el campus: tabla volteada (v{long.version}, larga)"
            )
    return done
