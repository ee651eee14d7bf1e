"""The profile: per-column facts and the flags of suspicious values."""

from __future__ import annotations

from open_data_labs import api
from open_data_labs.data import ColumnType, FlagKind

from .conftest import registraduria_bytes, upload


def _flags(dataset_key: str, version: int = 1) -> dict[FlagKind, list]:
    found: dict[FlagKind, list] = {}
    for flag in api.get_profile(dataset_key, version).all_flags:
        found.setdefault(flag.kind, []).append(flag)
    return found


def test_column_facts(dataset):
    upload(dataset.key, "lugar;votos\nKennedy;10\nBosa;\nSuba;30\nSuba;1.000\n")
    profile = api.get_profile(dataset.key, 1)
    lugar, votos = profile.columns
    assert profile.row_count == 4
    assert (lugar.type, lugar.missing, lugar.distinct) == (ColumnType.TEXT, 0, 3)
    assert lugar.top_values[0].label == "Suba" and lugar.top_values[0].count == 2
    assert (votos.missing, votos.distinct) == (1, 3)
    assert (votos.minimum, votos.maximum) == ("10", "1.000")
    assert sum(b.count for b in votos.histogram) == 3


def test_outliers_by_interquartile_range(dataset):
    rows = "\n".join(f"Kennedy;{n}" for n in [10, 11, 12, 12, 13, 14, 15, 16, 5000])
    upload(dataset.key, "lugar;votos\n" + rows + "\n")
    (flag,) = _flags(dataset.key)[FlagKind.OUTLIER]
    assert flag.column == "votos"
    assert flag.examples == ("5.000 (Kennedy)",)


def test_share_above_100_percent(dataset):
    upload(dataset.key, "lugar;participacion\nKennedy;45,2%\nBosa;120,5%\n")
    (flag,) = _flags(dataset.key)[FlagKind.SHARE_OVER_100]
    assert flag.column == "participacion" and flag.examples == ("120,5",)


def test_a_part_bigger_than_its_total(dataset):
    upload(
        dataset.key,
        "lugar;votantes;potencial_votantes\nKennedy;341912;635825\nBosa;400000;395687\n",
    )
    (flag,) = _flags(dataset.key)[FlagKind.PART_OVER_TOTAL]
    assert "«votantes» es mayor que «potencial_votantes»" in flag.message


def test_total_rows_mixed_with_places_and_places_that_are_not_localities(dataset):
    upload(
        dataset.key,
        "localidad;votos\nKennedy;10\nBosa;20\nLa Candelaria;5\n"
        "ANTONIO_NARINO;3\nCORFERIAS;8\nTOTAL;46\n",
    )
    flags = _flags(dataset.key)
    assert flags[FlagKind.TOTAL_AMONG_PARTS][0].examples == ("TOTAL",)
    assert flags[FlagKind.NOT_A_LOCALITY][0].examples == ("CORFERIAS",)


def test_a_clean_table_has_no_flags(dataset):
    upload(dataset.key, "localidad;votos\nKennedy;10\nBosa;12\nSuba;11\n")
    assert api.get_profile(dataset.key, 1).all_flags == ()


def test_registraduria_dataset_flags_what_is_wrong_after_turning_it(dataset):
    """The real file: wide (one column per place), with CARCELES, CORFERIAS and a total."""
    wide = api.upload_snapshot(
        dataset.key, registraduria_bytes(), filename="registraduria.csv"
    )
    assert (wide.row_count, wide.column_count) == (6, 23)
    wide_flags = _flags(dataset.key, 1)
    assert wide_flags[FlagKind.NOT_A_LOCALITY][0].examples == ("CARCELES", "CORFERIAS")
    assert wide_flags[FlagKind.TOTAL_AMONG_PARTS][0].examples == ("Total Bogota",)

    suggestion = api.suggest_turn(dataset.key, 1)
    long = api.turn_table(
        dataset.key,
        1,
        id_columns=list(suggestion.id_columns),
        value_columns=list(suggestion.value_columns),
        names_to="lugar",
        values_to="votos",
    )
    assert long.row_count == 6 * 22
    flags = _flags(dataset.key, long.version)
    assert flags[FlagKind.NOT_A_LOCALITY][0].column == "lugar"
    assert flags[FlagKind.NOT_A_LOCALITY][0].examples == ("CARCELES", "CORFERIAS")
    assert flags[FlagKind.TOTAL_AMONG_PARTS][0].examples == ("Total Bogota",)
    # A real flaw to teach: Ciudad Bolívar has no column in this file.
    assert flags[FlagKind.MISSING_LOCALITIES][0].examples == ("Ciudad Bolívar",)
    outliers = flags[FlagKind.OUTLIER][0]
    assert outliers.examples[0] == "5.445.315 (Potencial votantes · Total Bogota)"
