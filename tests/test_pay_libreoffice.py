"""Every remittance statement of two payment runs opened in LibreOffice Calc (headless, one
start-up for the batch): each prints on one page, and the figures it shows -- read back from
the file LibreOffice saves and from the text of the page it prints -- equal remittance.csv.

The book is the 2001 sample plus a dealer holding every fund (the longest statement the default
plan can produce: 19 fund lines) and, in August, providers paying amounts carried in July."""
from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from decimal import Decimal

import pytest

from fee_core.cli import main
from fee_core.write.inputs import write_input_workbook
from templates.sample import sample_tables
from tests.libreoffice import pdf_info, pdf_text

LABELS = {"Payable now": "payable", "Carried in from earlier periods": "carried_in",
          "Carried out to the next period": "carried_out",
          "Service fees for the period": "service_fees"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, libreoffice):
    d = tmp_path_factory.mktemp("pay-lo")
    t = sample_tables(2001)
    funds = [r["Fund"] for r in t["ScheduleA"]]
    t["Providers"].append({"Provider ID": "ALL-19", "Provider Name": "Every Fund Securities & Co.",
                           "Agreement Type": "Third Party", "Service Fee Rate": 0.0035,
                           "Start Date": date(2001, 7, 10), "End Date": None,
                           "Minimum Payment": 25.0})
    for m in (7, 8):
        for f in funds:
            t["ProviderAssets"].append({"Period Start": date(2001, m, 1),
                                        "Period End": date(2001, m, 31), "Provider ID": "ALL-19",
                                        "Fund": f, "Average Net Assets": 1_234_567.89})
    book = d / "sample-2001.xlsx"
    write_input_workbook(book, t)
    staged, remittance = d / "statements", {}
    staged.mkdir()
    for label in ("2001-07", "2001-08"):
        out = d / label
        assert main(["pay", str(book), "--period", label, "--out", str(out)]) == 0
        rows = list(csv.DictReader(io.StringIO((out / "remittance.csv").read_text("utf-8"))))
        for r in rows:
            src = out / "statements" / f"{r['provider_id']}.xlsx"
            dst = staged / f"{label}-{r['provider_id']}.xlsx"
            shutil.copy(src, dst)
            remittance[dst.stem] = r
    files = sorted(staged.glob("*.xlsx"))
    pdfs = libreoffice.to_pdf(files, d / "pdf")
    saved = libreoffice.recalculate(files, d / "saved")
    return remittance, {f.stem: (p, s) for f, p, s in zip(files, pdfs, saved)}, libreoffice


def test_every_statement_prints_on_one_page_with_the_remittance_figures(runs):
    remittance, files, lo = runs
    assert len(files) == len(remittance) >= 20
    carried = [k for k, r in remittance.items() if Decimal(r["carried_out"])]
    carried_in = [k for k, r in remittance.items() if Decimal(r["carried_in"])]
    assert carried and carried_in                         # both kinds are in the batch
    for key, r in remittance.items():
        pdf, saved = files[key]
        assert int(pdf_info(pdf)["Pages"]) == 1, key
        text = pdf_text(pdf)
        assert r["reference"] in text and r["provider_id"] in text
        assert f"Payable now {Decimal(r['payable']):,.2f}" in " ".join(text.split()), key
        for col in ("service_fees", "carried_in", "carried_out"):
            v = Decimal(r[col])
            if v:
                assert f"{v:,.2f}" in text, (key, col)
        # the values LibreOffice read from the file and saved again
        cells = lo.cell_values(saved)["Statement"]
        shown = {}
        for ref, v in cells.items():
            if ref.startswith("A") and v in LABELS:
                shown[LABELS[v]] = Decimal(str(cells.get("F" + ref[1:], 0))).quantize(Decimal("0.01"))
        assert shown == {k: Decimal(r[k]) for k in LABELS.values()}, key
        total = next(ref for ref, v in cells.items() if v == "Total service fees")
        assert Decimal(str(cells["F" + total[1:]])).quantize(Decimal("0.01")) == \
            Decimal(r["service_fees"])


def test_the_longest_statement(runs):
    remittance, files, lo = runs
    pdf, saved = files["2001-08-ALL-19"]
    text = " ".join(pdf_text(pdf).split())
    assert "(B) Third Parties under Third Party Agreements" in text
    assert "Agreed service fee rate 0.35% paid at most the Service Fee Cap of 0.25%" in text
    # the funds not in the plan in August 2001 (Mid-Cap Growth, effective 2002, among them)
    assert text.count("0.25% yes: service fee cap 31") == 14
    assert text.count("0.00% nothing accrued 0") == 5
    assert int(pdf_info(pdf)["Pages"]) == 1
