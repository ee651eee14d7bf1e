"""Demo investment projects for `make run`: Kennedy and Bosa, one per line.

Real-shaped, not real: codes, SECOP II contract ids and OCDS ocids follow the
official formats, but the numbers are made up for the demo. UPZ and barrios are
real codes of each locality. Idempotent: a project whose code exists is left as
it is.
"""

from __future__ import annotations

from datetime import date

from monitoring import api as monitoring_api
from tenants import api as tenants_api

_LINES = monitoring_api.InvestmentLine

# schema → (code, name, line, concept, budget, UPZ, barrio, status, progress, as of)
PROJECTS: dict[str, list[tuple]] = {
    "kennedy": [
        (
            "KEN-PP24-01",
            "Capital semilla para unidades productivas de Corabastos",
            _LINES.LOCAL_ECONOMY,
            "Apoyo a MiPymes y emprendimientos",
            "$ 620.000.000",
            "UPZ80",
            "004562",
            "en_ejecucion",
            "48",
        ),
        (
            "KEN-PP24-02",
            "Parque vecinal Ciudad de Cali: senderos y juegos",
            _LINES.INFRASTRUCTURE,
            "Construcción y dotación de parques vecinales",
            "$ 1.450.000.000,00",
            "UPZ82",
            "004607",
            "en_ejecucion",
            "35",
        ),
        (
            "KEN-PP24-03",
            "Escuela de liderazgo para mujeres de Timiza",
            _LINES.REACTIVATION,
            "Prevención de violencias y liderazgo de mujeres",
            "$ 280.000.000",
            "UPZ48",
            "004565",
            "terminado",
            "100",
        ),
        (
            "KEN-PP24-04",
            "Recuperación de la ronda del humedal La Vaca",
            _LINES.ENVIRONMENT,
            "Restauración ecológica urbana",
            "$ 540.500.000",
            "UPZ80",
            "",
            "por_iniciar",
            "",
        ),
        (
            "KEN-PP24-05",
            "Huertas urbanas comunitarias en Tintalá",
            _LINES.RURALITY,
            "Agricultura urbana y periurbana",
            "$ 190.000.000",
            "UPZ79",
            "006516",
            "suspendido",
            "20",
        ),
    ],
    "bosa": [
        (
            "BOS-PP24-01",
            "Feria de emprendimiento de Bosa Central",
            _LINES.LOCAL_ECONOMY,
            "Apoyo a MiPymes y emprendimientos",
            "$ 350.000.000",
            "UPZ85",
            "004522",
            "en_ejecucion",
            "60",
        ),
        (
            "BOS-PP24-02",
            "Malla vial local de El Porvenir",
            _LINES.INFRASTRUCTURE,
            "Construcción y conservación de malla vial local",
            "$ 2.100.000.000",
            "UPZ86",
            "004643",
            "en_ejecucion",
            "15",
        ),
        (
            "BOS-PP24-03",
            "Casa de la cultura muisca: talleres con enfoque diferencial",
            _LINES.REACTIVATION,
            "Procesos de formación artística y cultural",
            "$ 240.000.000",
            "UPZ85",
            "004642",
            "terminado",
            "100",
        ),
        (
            "BOS-PP24-04",
            "Arbolado urbano en Tintal Sur",
            _LINES.ENVIRONMENT,
            "Arbolado urbano y coberturas verdes",
            "$ 310.000.000",
            "UPZ87",
            "",
            "por_iniciar",
            "",
        ),
        (
            "BOS-PP24-05",
            "Asistencia técnica a huertas de San Bernardino",
            _LINES.RURALITY,
            "Asistencia técnica agropecuaria",
            "$ 175.000.000",
            "UPZ87",
            "105325",
            "en_ejecucion",
            "40",
        ),
    ],
}


def load_demo_projects() -> list[str]:
    """Create the demo projects that are missing; one line per project created."""
    done: list[str] = []
    present = set(tenants_api.locality_schemas(include_campus=False))
    for schema, projects in PROJECTS.items():
        if schema not in present:
            continue
        with tenants_api.in_locality(schema):
            for number, row in enumerate(projects, start=1):
                code, name, line, concept, budget, upz, barrio, status, progress = row
                if monitoring_api.get_project(code) is not None:
                    continue
                monitoring_api.create_project(
                    code,
                    name,
                    line=line,
                    spending_concept=concept,
                    budget=budget,
                    upz_code=upz,
                    barrio_code=barrio,
                    status=status,
                    progress=progress or None,
                    progress_as_of=date(2025, 10, 31) if progress else None,
                    starts_on=date(2025, 2, 1),
                    ends_on=date(2025, 12, 15),
                    secop_contract_id=f"CO1.PCCNTR.{7_100_000 + number * 17}",
                    ocid=f"ocds-k4l4d1-CO1.BDOS.{6_200_000 + number * 17}",
                    gab_proposal=f"GAB-2024-{code[:3]}-{number:04d}",
                )
                done.append(f"proyecto de inversión en {schema}: {code}")
    return done
