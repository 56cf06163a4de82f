"""What can be fetched and how politely: the public data sets' files and the HTTP options.

Plain data (no network library), so the command line can list the sources in ``--help``
without loading ``requests``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RemoteFile:
    """One downloadable file of a public data set."""

    url: str
    filename: str
    note: str


SOURCES: dict[str, list[RemoteFile]] = {
    "string": [
        RemoteFile(
            "https://stringdb-downloads.org/download/protein.links.detailed.v12.0/"
            "9606.protein.links.detailed.v12.0.txt.gz",
            "9606.protein.links.detailed.v12.0.txt.gz",
            "STRING v12.0 human interactions with channel scores (CC BY 4.0)",
        ),
        RemoteFile(
            "https://stringdb-downloads.org/download/protein.info.v12.0/"
            "9606.protein.info.v12.0.txt.gz",
            "9606.protein.info.v12.0.txt.gz",
            "STRING v12.0 protein id -> preferred gene name (use with --id-map)",
        ),
    ],
    "reactome": [
        RemoteFile(
            "https://data.broadinstitute.org/gsea-msigdb/msigdb/release/2023.2.Hs/"
            "c2.cp.reactome.v2023.2.Hs.symbols.gmt",
            "c2.cp.reactome.v2023.2.Hs.symbols.gmt",
            "MSigDB 2023.2 Reactome gene sets, symbols (CC BY 4.0)",
        ),
    ],
}


@dataclass(frozen=True)
class HttpOptions:
    """How politely and how persistently to talk to a server.

    ``retries`` further attempts after a 429 / 5xx / dropped connection, waiting
    ``backoff * 2**(n-1)`` seconds before the n-th (or the server's ``Retry-After``);
    a download that arrives short or with the wrong md5 is also tried again that often.
    ``pause`` seconds between successive requests of one fetch (batching politely).
    """

    retries: int = 5
    backoff: float = 2.0
    timeout: float = 120.0
    pause: float = 0.5
