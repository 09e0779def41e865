"""A sweep's output files: chunk parts, their merge into one Parquet / CSV / JSON file with the run's
fingerprint, reading them back."""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path
from typing import Optional, Sequence

import numpy as np


def have_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True



def _write_part(cols: dict, path: Path, fmt: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({k: (v if isinstance(v, list) else np.asarray(v)) for k, v in cols.items()}),
                       tmp)
    else:
        names = list(cols)
        n = len(cols[names[0]])
        conv = []
        for k in names:
            v = cols[k]
            conv.append(v if isinstance(v, list) else np.asarray(v).tolist())
        with open(tmp, "w", newline="") as f:
            if fmt == "json":  # JSON Lines parts; `_merge` joins them into one array (non-finite -> null)
                for row in zip(*conv) if n else []:
                    f.write(json.dumps(dict(zip(names, map(_json_value, row)))) + "\n")
            else:
                w = csv.writer(f)
                w.writerow(names)
                w.writerows(zip(*conv) if n else [])
    os.replace(tmp, path)



def _json_value(v):
    """A cell as strict JSON: NaN and infinities (an invalid network's figures) become null."""
    return None if isinstance(v, float) and not math.isfinite(v) else v



def _merge(parts: Sequence[Path], out: Path, fmt: str, fingerprint: str) -> int:
    """Concatenate the part files into `out` (atomically: a temporary file renamed at the end) and record the
    run's fingerprint in it (Parquet: schema metadata; CSV and JSON: `OUT.run.json` beside it, written
    first)."""
    tmp = out.with_name(out.name + ".tmp")
    rows = 0
    if fmt == "parquet":
        import pyarrow.parquet as pq

        writer = None
        for p in parts:
            t = pq.read_table(p)
            if writer is None:
                schema = t.schema.with_metadata({**(t.schema.metadata or {}), FINGERPRINT_KEY: fingerprint})
                writer = pq.ParquetWriter(tmp, schema)
            writer.write_table(t.replace_schema_metadata(writer.schema.metadata))
            rows += t.num_rows
        if writer is not None:
            writer.close()
    else:
        sidecar = _sidecar(out)
        sidecar_tmp = sidecar.with_name(sidecar.name + ".tmp")
        sidecar_tmp.write_text(json.dumps({"fingerprint": fingerprint}) + "\n")
        os.replace(sidecar_tmp, sidecar)
        with open(tmp, "w", newline="") as f:
            if fmt == "json":  # one array of row objects, one per line
                f.write("[")
                for p in parts:
                    with open(p) as g:
                        for line in g:
                            f.write(("\n" if rows == 0 else ",\n") + line.rstrip("\n"))
                            rows += 1
                f.write("\n]\n")
            else:
                for i, p in enumerate(parts):
                    with open(p) as g:
                        header = g.readline()
                        if i == 0:
                            f.write(header)
                        for line in g:
                            f.write(line)
                            rows += 1
    os.replace(tmp, out)
    return rows



#: Where a finished output records the fingerprint of the run that wrote it (Parquet schema metadata key).
FINGERPRINT_KEY = b"diffhw.fingerprint"



def _sidecar(out: Path) -> Path:
    return out.with_name(out.name + ".run.json")



def output_fingerprint(out: Path) -> Optional[str]:
    """The fingerprint recorded in a finished output (see `_merge`), or None when it has none."""
    try:
        if out.suffix == ".parquet":
            import pyarrow.parquet as pq

            meta = pq.read_schema(out).metadata or {}
            value = meta.get(FINGERPRINT_KEY)
            return value.decode() if value else None
        return json.loads(_sidecar(out).read_text()).get("fingerprint")
    except (OSError, ValueError, AttributeError):
        return None



def _remove_parts(parts_dir: Path) -> None:
    """Remove a finished run's parts: the chunk files first, the manifest (run.json) last, so that a kill
    at any point leaves either the manifest (resumable, fingerprint checked) or an empty folder."""
    if not parts_dir.exists():
        return
    for p in sorted(parts_dir.iterdir()):
        if p.name != "run.json":
            p.unlink(missing_ok=True)
    (parts_dir / "run.json").unlink(missing_ok=True)
    parts_dir.rmdir()



def read_table(path) -> dict:
    """Read an output file (Parquet, CSV or JSON) back as a dict of lists (for tests and scripts)."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pydict()
    if path.suffix == ".json":
        rows = json.loads(path.read_text())
        return {k: [row[k] for row in rows] for k in (rows[0] if rows else {})}
    with open(path) as f:
        r = csv.DictReader(f)
        rows = list(r)
    return {k: [row[k] for row in rows] for k in (r.fieldnames or [])}
