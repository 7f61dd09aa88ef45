"""Benchmark: importing a full-size ONS Postcode Directory (~2.7 million rows) with swingfund's streaming importer.

    SWINGFUND_DATA=../shared/data python benchmarks/onspd.py [--rows 2700000] [--naive-rows 20000]

Generates, in a temporary folder, a synthetic ONSPD CSV with the same 52 columns as the real sample (each row a
copy of a real Aberdeen row with a fresh valid postcode and a 2024 constituency code cycling through all 650
seats), then measures in the same run:

* the floor: one plain `csv.reader` pass over the same file (reading only, no database);
* swingfund's importer (`file_import`: streaming, batched executemany/COPY, one transaction);
* a naive baseline: `Postcode.objects.create()` per row on a subset, scaled to the full size.

It prints elapsed times, rows/s, the ratios and the process's peak memory (RSS), which stays bounded because
neither the generator nor the importer holds the file in memory. Uses a throwaway SQLite database unless
DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import string
import sys
import tempfile
import time
from itertools import product
from pathlib import Path

UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the last two characters of a postcode


def postcodes(count: int):
    """`count` distinct, well-formed postcodes: AA1 0AA … (area, district, sector, unit)."""
    areas = ["".join(p) for p in product(string.ascii_uppercase, repeat=2)]
    produced = 0
    for area in areas:
        for district in range(1, 100):
            for sector in range(10):
                for unit in product(UNIT_LETTERS, repeat=2):
                    yield f"{area}{district} {sector}{''.join(unit)}"
                    produced += 1
                    if produced == count:
                        return


def generate(path: Path, *, rows: int, sample: Path, codes: list[str]) -> None:
    with sample.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        templates = [r for r, _ in zip(reader, range(200), strict=False)]
    i_pcd7, i_pcd8, i_pcds, i_doterm, i_pcon = (header.index(c) for c in ("pcd7", "pcd8", "pcds", "doterm", "pcon"))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for n, postcode in enumerate(postcodes(rows)):
            row = list(templates[n % len(templates)])
            outward, inward = postcode.split(" ")
            row[i_pcd7] = f"{outward:<4}{inward}"[:7]
            row[i_pcd8] = f"{outward:<5}{inward}"
            row[i_pcds] = postcode
            row[i_pcon] = codes[n % len(codes)]
            row[i_doterm] = "" if n % 3 else "202001"
            writer.writerow(row)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_700_000)
    parser.add_argument("--naive-rows", type=int, default=20_000)
    args = parser.parse_args()
    data = Path(os.environ.get("SWINGFUND_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
    tmp = Path(tempfile.mkdtemp(prefix="swingfund-onspd-"))
    if not os.environ.get("DATABASE_URL"):
        os.environ["SWINGFUND_HOME"] = str(tmp / "home")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swingfund.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from swingfund.elections.models import Constituency, Postcode
    from swingfund.elections.services import file_import

    call_command("migrate", verbosity=0)
    file_import(path=data / "HoC-GE2024-results-by-constituency.csv", progress=False)
    codes = list(Constituency.objects.filter(boundary_set="pcon2024").values_list("gss_code", flat=True))

    path = tmp / "ONSPD_SYNTHETIC_UK.csv"
    started = time.perf_counter()
    generate(path, rows=args.rows, sample=data / "onspd-sample-postcodes-aberdeen.csv", codes=codes)
    print(f"generated {args.rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - started:.1f} s")
    rss_before = peak_rss_mb()

    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle:
        floor_rows = sum(1 for _ in csv.reader(handle)) - 1
    floor = time.perf_counter() - started

    started = time.perf_counter()
    summary = file_import(path=path, progress=True)
    elapsed = time.perf_counter() - started
    assert summary.written == args.rows == Postcode.objects.count() == floor_rows, "not every row was imported"

    subset = min(args.naive_rows, args.rows)
    seats = {c.gss_code: c for c in Constituency.objects.filter(boundary_set="pcon2024")}
    source = Postcode.objects.first().source
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        sample_rows = [row for row, _ in zip(reader, range(subset), strict=False)]
    started = time.perf_counter()
    with transaction.atomic():
        for row in sample_rows:
            Postcode.objects.create(
                postcode=row["pcds"].replace(" ", ""),
                boundary_set="pcon2010",
                constituency=seats[row["pcon"]],
                terminated=bool(row["doterm"]),
                source=source,
            )
        transaction.set_rollback(True)
    naive = (time.perf_counter() - started) * args.rows / subset

    print(f"floor: csv.reader pass      {floor:8.1f} s  {floor_rows / floor:>12,.0f} rows/s")
    print(
        f"swingfund importer           {elapsed:8.1f} s  {args.rows / elapsed:>12,.0f} rows/s  "
        f"({elapsed / floor:.1f}× the floor)"
    )
    print(
        f"naive create() per row (est.) {naive:7.1f} s  {args.rows / naive:>12,.0f} rows/s  "
        f"(measured on {subset:,} rows; importer is {naive / elapsed:.1f}× faster)"
    )
    print(
        f"peak RSS: {rss_before:,.0f} MB before the import, {peak_rss_mb():,.0f} MB after "
        f"(file {path.stat().st_size / 1e6:,.0f} MB)"
    )
    path.unlink()


if __name__ == "__main__":
    main()
