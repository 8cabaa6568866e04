"""The source registry: one :class:`Source` record per data source (the source contract).

Kept apart from the package's entry points so that readers and the helpers they share can use
the registry without importing the package that imports them: the dependencies run one way
(readers -> registry -> store).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.errors import UnknownSourceError
from toolkit.store import RemoteFile

if TYPE_CHECKING:
    from toolkit.schema import CaseData

__all__ = ["REGISTRY", "SOURCES", "Source", "source"]


@dataclass(frozen=True)
class Source:
    """One data source: what it is, who reads it, which files it needs and how to get them.

    Attributes
    ----------
    name
        The source name (``load(name)``, ``appellate fetch name``); also its raw-file folder.
    description
        What it holds, in a line.
    reader
        The module with ``read(...) -> CaseData``.
    release
        Which release the files are.
    files
        The files to fetch, with their checksums where known (empty: nothing to fetch).
    fetch
        How the files are obtained, in words.
    documents
        Codebooks and other companions of the data in the reference folder, with their
        checksums (a record, so a copy can be checked; ``fetch`` does not get them).
    """

    name: str
    description: str
    reader: str
    release: str = ""
    files: tuple[RemoteFile, ...] = ()
    fetch: str = ""
    documents: tuple[RemoteFile, ...] = ()

    def read(self, **options: Any) -> CaseData:
        """Read the source with its reader."""
        return importlib.import_module(self.reader).read(**options)


_BRICK = "http://scdb.wustl.edu/_brickFiles"
_FJC = "https://www.fjc.gov/sites/default/files/history"
_IDB = "https://www.fjc.gov/sites/default/files/idb/textfiles"
_MIRROR = "from a local copy laid out like the reference data (--mirror)"

REGISTRY: dict[str, Source] = {
    s.name: s
    for s in (
        Source(
            "demo",
            "simulated immigration petitions for review (embedded, 8,000 cases)",
            "toolkit.sources.demo",
            release="simulated (toolkit.simulate)",
            fetch="embedded in the package; nothing to fetch",
        ),
        Source(
            "scdb",
            "Supreme Court Database (case- and justice-centered, 1946-)",
            "toolkit.sources.scdb",
            release="2025_01 (justice-centered), 2024_01 (case-centered)",
            files=(
                RemoteFile(
                    "SCDB_2025_01_justiceCentered_Citation.csv.zip",
                    url=f"{_BRICK}/2025_01/SCDB_2025_01_justiceCentered_Citation.csv.zip",
                    mirror="scdb/SCDB_2025_01_justiceCentered_Citation.csv.gz",
                    sha256="c7a41b1ef6bc215b5ca76bf287af1c1837a612a6840528f91a6e28b48c7b71e1",
                    size=1_691_921,
                    required=False,
                    mirror_sha256=(
                        "fd62e20b62603d2bede70e136de2a2da080b85cca6abc4a9306ce80059c47224"
                    ),
                    mirror_size=1_597_224,
                ),
                RemoteFile(
                    "SCDB_2024_01_caseCentered_Citation.csv.zip",
                    url=f"{_BRICK}/2024_01/SCDB_2024_01_caseCentered_Citation.csv.zip",
                    mirror="scdb/SCDB_2024_01_caseCentered_Citation.csv.gz",
                    required=False,
                    mirror_sha256=(
                        "afb7166b915e93156744a0a6b5efde324221da3cfbdd250be298bde34b97ec73"
                    ),
                    mirror_size=689_884,
                ),
                RemoteFile(
                    "SCDB_2024_01_caseCentered_Docket.csv.zip",
                    url=f"{_BRICK}/2024_01/SCDB_2024_01_caseCentered_Docket.csv.zip",
                    mirror="scdb/SCDB_2024_01_caseCentered_Docket.csv.gz",
                    required=False,
                    mirror_sha256=(
                        "36e2bb2f4e06c4c171ab667ad36d7bee8226d8268c6f71ae165855192e8f088d"
                    ),
                    mirror_size=741_268,
                ),
            ),
            documents=(
                RemoteFile(
                    "SCDB_2024_01_codebook.pdf",
                    url=None,
                    mirror="scdb/SCDB_2024_01_codebook.pdf",
                    sha256="3014de84996fd6fa0253b717bd5bb29dc9876267844ea884221bd1866298a3fc",
                    size=525_067,
                ),
                RemoteFile(
                    "SCDB_2024_01_codebook.txt",
                    url=None,
                    mirror="scdb/SCDB_2024_01_codebook.txt",
                    sha256="2c84dae9558036ce497bc32e090f809e24e50cf14b9ad0872dde4093aa0b0824",
                    size=251_513,
                ),
            ),
            fetch=f"from the SCDB site (zip archives) or {_MIRROR}",
        ),
        Source(
            "songer",
            "U.S. Courts of Appeals Database (Songer; 1925-1996 and 1997-2002 files)",
            "toolkit.sources.songer",
            release="cta96 (1925-1996) and cta02 (1997-2002)",
            files=(
                RemoteFile(
                    "cta96_stata.zip",
                    url="http://www.cas.sc.edu/poli/juri/cta96_stata.zip",
                    mirror="songer_courts_of_appeals/cta96_sixth_circuit.csv.gz",
                    extract=True,
                    required=False,
                    mirror_sha256=(
                        "4e48b5fe11e822010e841f62688a6cbc84f6729b4bdbd52bb61a3a0023ae5a77"
                    ),
                    mirror_size=108_820,
                ),
                RemoteFile(
                    "cta02.csv",
                    url=None,
                    mirror="songer_courts_of_appeals/cta02.csv.gz",
                    required=False,
                    mirror_sha256=(
                        "ecf2581bba4d52608feff317f3ea4f880a5ea36bec7bd4b3b6382366402a3b45"
                    ),
                    mirror_size=242_193,
                ),
                RemoteFile(
                    "data_weights.csv",
                    url=None,
                    mirror="songer_courts_of_appeals/data_weights.csv",
                    required=False,
                    sha256="0eb4cce4c62c121c692cb8a4db94611047c461c4cdcca9c77a110bdeef267ceb",
                    size=7_287,
                ),
            ),
            fetch=f"cta96 from the project site (zip); cta02 and the weights {_MIRROR}",
        ),
        Source(
            "fjc_judges",
            "FJC Biographical Directory of Article III judges",
            "toolkit.sources.fjc_judges",
            release="FJC export (file dates as fetched)",
            files=(
                RemoteFile(
                    "judges.csv",
                    url=f"{_FJC}/judges.csv",
                    mirror="fjc_judges_biographical/judges.csv.gz",
                    mirror_sha256=(
                        "ddea03b0ad3ecf68cd8abf10a7d213a204d4faf8870914219a7c9ecff374deb4"
                    ),
                    mirror_size=754_004,
                ),
                RemoteFile(
                    "federal-judicial-service.csv",
                    url=f"{_FJC}/federal-judicial-service.csv",
                    mirror="fjc_judges_biographical/federal-judicial-service.csv.gz",
                    mirror_sha256=(
                        "40ad97a10c781eacc2fbb48d2f1376fa1df85b43d652fff15000e98e70ce0cb6"
                    ),
                    mirror_size=246_234,
                ),
            ),
            fetch=f"from the FJC export page (updated in place: no checksum) or {_MIRROR}",
        ),
        Source(
            "auburn",
            "attributes of appeals and district judges, keyed by Songer judge codes",
            "toolkit.sources.auburn",
            release="ICPSR 6796 as distributed with the Songer database",
            files=(
                RemoteFile(
                    "auburn_appct_stata.dta",
                    url=None,
                    mirror="appeals_judges_attributes_auburn/auburn_appct_stata.dta",
                    sha256="d4fd1785d6d600ee392fc94c6beaab827cdfd516a42b60f82d86d6edfed94fd4",
                    size=384_063,
                ),
                RemoteFile(
                    "auburn_district_w_songer_codes.dta",
                    url=None,
                    mirror="appeals_judges_attributes_auburn/auburn_district_w_songer_codes.dta",
                    required=False,
                    sha256="2516ec1a380badafb5ca7c40d8fb734affe47f0e19b63f9734059535a7c01a0d",
                    size=1_885_488,
                ),
            ),
            documents=(
                RemoteFile(
                    "value_labels.doc",
                    url=None,
                    mirror="appeals_judges_attributes_auburn/value_labels.doc",
                    sha256="87d17afb5e69b4be4ed8efe650e269f26279361a73dcc0f4b596e91935346c2e",
                    size=513_024,
                ),
                RemoteFile(
                    "value_labels.txt",
                    url=None,
                    mirror="appeals_judges_attributes_auburn/value_labels.txt",
                    sha256="27bfd4dcfe4497018ea4f2cb3ac2784e5f500ad2995b45003a82464115b7c5e4",
                    size=160_633,
                ),
            ),
            fetch=f"no stable address: {_MIRROR}",
        ),
        Source(
            "idb",
            "FJC Integrated Database, courts of appeals (1971-2007 and 2008- layouts)",
            "toolkit.sources.idb",
            release="FJC IDB appeals text files (as fetched)",
            files=(
                RemoteFile("ap08on.zip", url=f"{_IDB}/ap08on.zip", extract=True, required=False),
                RemoteFile(
                    "ap71to07.zip", url=f"{_IDB}/ap71to07.zip", extract=True, required=False
                ),
            ),
            documents=(
                RemoteFile(
                    "appeals_codebook_1971-2007.pdf",
                    url=None,
                    mirror="fjc_idb_appeals_codebooks/appeals_codebook_1971-2007.pdf",
                    sha256="f453ac597a368c7aded7c4b2afbd7e60c0b793e222149a83dcaa3b2751bb6e72",
                    size=603_581,
                ),
                RemoteFile(
                    "appeals_codebook_1971-2007.txt",
                    url=None,
                    mirror="fjc_idb_appeals_codebooks/appeals_codebook_1971-2007.txt",
                    sha256="d18249c1d90a3bfccfa8a11ad24bd3f08ecb55405fd9705c5c16d0b4b03277da",
                    size=61_143,
                ),
                RemoteFile(
                    "appeals_codebook_2008-forward.pdf",
                    url=None,
                    mirror="fjc_idb_appeals_codebooks/appeals_codebook_2008-forward.pdf",
                    sha256="37e14027b77e01846ec605f4e29f4387e94e18ed2b766e72395123bbed3a600d",
                    size=106_992,
                ),
                RemoteFile(
                    "appeals_codebook_2008-forward.txt",
                    url=None,
                    mirror="fjc_idb_appeals_codebooks/appeals_codebook_2008-forward.txt",
                    sha256="cb6b324fd79b7387c7cf281ec0bcaf60d6458a4297c172724c66a4f92bc98db5",
                    size=64_109,
                ),
            ),
            fetch="from the FJC site (zip archives of tab-delimited text; updated in place)",
        ),
        Source(
            "greene",
            "Canadian Federal Court of Appeal refugee leave decisions, 1990 (384 cases)",
            "toolkit.sources.greene",
            release="carData 3.0-5",
            files=(
                RemoteFile(
                    "Greene.csv",
                    url="https://vincentarelbundock.github.io/Rdatasets/csv/carData/Greene.csv",
                    mirror="greene_canada_fca_refugee_leave/Greene.csv",
                    sha256="e09f2ad2f98ec77e905422cc3b71fd8096822c6c2aee617e3de3225fa7d9776b",
                    size=20_410,
                ),
            ),
            documents=(
                RemoteFile(
                    "Greene.Rd.txt",
                    url=None,
                    mirror="greene_canada_fca_refugee_leave/Greene.Rd.txt",
                    sha256="c396503f55595e5b54b95a54e93a8d12479cc11f1e286e2cae57db72a79d4f21",
                    size=2_123,
                ),
                RemoteFile(
                    "Greene.rda",
                    url=None,
                    mirror="greene_canada_fca_refugee_leave/Greene.rda",
                    sha256="3e055de8803ce338272c7613900237ace4edd2c6e0324adab13c202d84270755",
                    size=2_578,
                ),
            ),
            fetch=f"from the Rdatasets site or {_MIRROR}",
        ),
    )
}
"""Every known source, by name: the source contract."""

SOURCES: dict[str, str] = {name: s.description for name, s in REGISTRY.items()}
"""Known source names and what they hold."""


def source(name: str) -> Source:
    """The registry record of a source, or a clear error naming the known ones."""
    if name not in REGISTRY:
        raise UnknownSourceError(f"unknown source {name!r}; known: {', '.join(REGISTRY)}")
    return REGISTRY[name]
