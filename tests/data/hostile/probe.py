"""Read one file as an upload in this process and print what it cost (used by the corpus tests).

    python tests/data/hostile/probe.py KIND PATH UPLOAD_NAME
    KIND: roster | kpj | payments

Prints one JSON object: {"refused": bool, "messages": [...], "seconds": float,
"peak_mb": int (this process's peak resident memory, Python and Rust alike),
"base_mb": int (the peak before the file was read)}.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpjs_tracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from enrollment.billing.payments import _read_table  # noqa: E402
from enrollment.imports.bounds import FileRefused  # noqa: E402
from enrollment.imports.reading import KPJ_LAYOUT, ROSTER_LAYOUT, read_roster_file  # noqa: E402
from enrollment.imports.rows import check_rows  # noqa: E402


def peak_mb() -> int:
    """This process's peak resident memory. Linux's VmHWM belongs to this program alone;
    `ru_maxrss` also keeps the peak of the process it was forked from (a grown test run)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main(kind: str, path: str, name: str) -> dict:
    base = peak_mb()
    started = time.perf_counter()
    data = Path(path).read_bytes()
    if kind == "payments":
        try:
            _sheet, rows = _read_table(name, data)
            messages = []
        except FileRefused as exc:
            messages = [exc.message]
    else:
        import datetime as dt

        layout = KPJ_LAYOUT if kind == "kpj" else ROSTER_LAYOUT
        sheet = read_roster_file(data, filename=name, layout=layout)
        messages = [p.message for p in sheet.problems if p.is_error]
        if sheet.readable and kind == "roster":
            checked = check_rows(
                sheet, unit_kind="opd", period=dt.date(2025, 1, 1),
                known_regencies={"74.71"}, today=dt.date(2025, 2, 1),
            )  # fmt: skip
            messages += [p.message for p in checked.problems if p.is_error]
        elif sheet.readable:
            sum(1 for _ in sheet.rows)
            if sheet.refusal:
                messages.append(sheet.refusal.message)
    return {
        "refused": bool(messages),
        "messages": messages[:5],
        "message_count": len(messages),
        "seconds": round(time.perf_counter() - started, 2),
        "peak_mb": peak_mb(),
        "base_mb": base,
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4])))
