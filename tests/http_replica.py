"""A local replica of the GDC API and the GEO download site, for tests without internet.

The server listens on 127.0.0.1 (a free port) in a thread and answers as the services'
documentation shows:

- GDC (docs.gdc.cancer.gov, API Users Guide): ``/status``; ``/files`` and ``/cases`` by GET
  (query string) or POST (JSON body) with ``filters`` (``and`` / ``in`` / ``=``), ``fields``,
  ``size`` and ``from``, answering ``{"data": {"hits": [...], "pagination": {"count",
  "total", "size", "from", "sort", "page", "pages"}}, "warnings": {}}``; ``GET /data/<id>``
  returns the file, ``POST /data`` with ``{"ids": [...]}`` a ``.tar.gz`` holding
  ``<id>/<file_name>`` per file and ``MANIFEST.txt``, named in ``Content-Disposition``.
- GEO (ftp.ncbi.nlm.nih.gov/geo over HTTPS): any other GET path is a static file.

``faults`` is a queue of injected failures, each consumed by the first request it matches:
``{"path": "/data", "status": 429, "retry_after": "0"}`` answers with that status,
``{"path": ..., "truncate": True}`` announces the full ``Content-Length`` but sends half and
closes, ``{"path": ..., "corrupt": True}`` flips one byte (an md5 mismatch), ``{"path": ...,
"stall": seconds}`` waits before answering. Every request is logged in ``log``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import math
import tarfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

STAR_HEADER = (
    "gene_id\tgene_name\tgene_type\tunstranded\tstranded_first\tstranded_second\t"
    "tpm_unstranded\tfpkm_unstranded\tfpkm_uq_unstranded"
)


def star_counts(genes: list[tuple[str, str]], values: list[float]) -> bytes:
    """A GDC ``augmented_star_gene_counts.tsv`` with the given (ensembl id, symbol) genes."""
    lines = ["# gene-model: GENCODE v36", STAR_HEADER]
    for name in ("N_unmapped", "N_multimapping", "N_noFeature", "N_ambiguous"):
        lines.append(f"{name}\t\t\t1000\t1000\t1000\t\t\t")
    for (gid, sym), v in zip(genes, values, strict=True):
        counts = int(v * 10)
        lines.append(
            f"{gid}\t{sym}\tprotein_coding\t{counts}\t{counts // 2}\t{counts // 2}\t"
            f"{v:.4f}\t{v / 3:.4f}\t{v * 1.5:.4f}"
        )
    return ("\n".join(lines) + "\n").encode()


@dataclass
class GdcFile:
    """One file of the replica: its metadata (as /files returns it) and its bytes."""

    file_id: str
    file_name: str
    content: bytes
    data_category: str
    data_type: str
    data_format: str
    workflow_type: str | None
    cases: list[dict[str, Any]]
    access: str = "open"

    def hit(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.file_id,
            "file_id": self.file_id,
            "file_name": self.file_name,
            "md5sum": hashlib.md5(self.content).hexdigest(),
            "file_size": len(self.content),
            "data_category": self.data_category,
            "data_type": self.data_type,
            "data_format": self.data_format,
            "access": self.access,
            "state": "released",
            "cases": self.cases,
        }
        if self.workflow_type:
            out["analysis"] = {"workflow_type": self.workflow_type}
        return out


@dataclass
class Replica:
    """What the server holds and what happened to it."""

    files: dict[str, GdcFile] = field(default_factory=dict)
    cases: list[dict[str, Any]] = field(default_factory=list)
    static: dict[str, bytes] = field(default_factory=dict)
    faults: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    max_size: int = 10_000  # the largest page the server gives
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self, method: str, path: str) -> dict[str, Any] | None:
        with self.lock:
            for i, fault in enumerate(self.faults):
                if path.startswith(fault["path"]) and fault.get("method", method) == method:
                    return self.faults.pop(i)
        return None

    def requests_to(self, path: str, method: str | None = None) -> list[dict[str, Any]]:
        return [
            r
            for r in self.log
            if r["path"].startswith(path) and (method is None or r["method"] == method)
        ]


# -- filters ---------------------------------------------------------------------------------


def _values(obj: Any, dotted: list[str]) -> list[Any]:
    """All values at a dotted path, descending through lists."""
    if isinstance(obj, list):
        return [v for item in obj for v in _values(item, dotted)]
    if not dotted:
        return [obj]
    if not isinstance(obj, dict) or dotted[0] not in obj:
        return []
    return _values(obj[dotted[0]], dotted[1:])


def _matches(hit: dict[str, Any], flt: dict[str, Any] | None, endpoint: str) -> bool:
    if not flt:
        return True
    op = flt["op"].lower()
    if op == "and":
        return all(_matches(hit, f, endpoint) for f in flt["content"])
    if op == "or":
        return any(_matches(hit, f, endpoint) for f in flt["content"])
    name = flt["content"]["field"]
    if name.startswith(f"{endpoint}."):
        name = name[len(endpoint) + 1 :]
    wanted = flt["content"]["value"]
    wanted = wanted if isinstance(wanted, list) else [wanted]
    found = _values(hit, name.split("."))
    if op in ("in", "="):
        return any(v in wanted for v in found)
    if op in ("!=", "exclude"):
        return not any(v in wanted for v in found)
    raise ValueError(f"replica does not know filter op {op!r}")


def _project(hit: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    """Keep the requested fields (the whole branch of a dotted field), plus ``id``."""
    if not fields:
        return hit
    roots = {f.split(".")[0] for f in fields}
    return {k: v for k, v in hit.items() if k in roots or k == "id"}


def _tar_gz(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=1) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = int(time.time())
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


class _Handler(BaseHTTPRequestHandler):
    replica: Replica  # set on the subclass made by serve()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET", b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._handle("POST", self.rfile.read(length))

    # -- dispatch ------------------------------------------------------------------------

    def _handle(self, method: str, body: bytes) -> None:
        url = urlparse(self.path)
        rep = self.replica
        entry: dict[str, Any] = {"method": method, "path": url.path, "time": time.monotonic()}
        if body:
            try:
                entry["json"] = json.loads(body)
            except ValueError:
                entry["body"] = body
        rep.log.append(entry)
        fault = rep.take_fault(method, url.path)
        if fault and "stall" in fault:
            time.sleep(fault["stall"])
        if fault and "status" in fault:
            headers = {"Retry-After": fault["retry_after"]} if "retry_after" in fault else {}
            self._send(fault["status"], b'{"message": "injected"}', "application/json", headers)
            return
        try:
            status, payload, ctype, headers = self._route(method, url.path, url.query, body)
        except (KeyError, ValueError) as exc:
            status, ctype, headers = 400, "application/json", {}
            payload = json.dumps({"message": str(exc)}).encode()
        if fault and fault.get("corrupt"):
            payload = bytes([payload[0] ^ 0xFF]) + payload[1:]
        self._send(status, payload, ctype, headers, truncate=bool(fault and fault.get("truncate")))

    def _route(
        self, method: str, path: str, query: str, body: bytes
    ) -> tuple[int, bytes, str, dict[str, str]]:
        rep = self.replica
        if path == "/status":
            return _json({"status": "OK", "version": 1, "data_release": "Replica 1.0"})
        if path in ("/files", "/cases"):
            params = _params(method, query, body)
            endpoint = path[1:]
            source = [f.hit() for f in rep.files.values()] if endpoint == "files" else rep.cases
            return _json(_search(source, params, endpoint, rep.max_size))
        if path.startswith("/data"):
            if method == "POST":
                ids = json.loads(body)["ids"]
                if len(ids) == 1:
                    return self._one(ids[0])
                members = [(f"{i}/{rep.files[i].file_name}", rep.files[i].content) for i in ids]
                manifest = "id\tfilename\tmd5\tsize\tstate\n" + "".join(
                    f"{i}\t{i}/{rep.files[i].file_name}\t"
                    f"{hashlib.md5(rep.files[i].content).hexdigest()}\t"
                    f"{len(rep.files[i].content)}\tvalidated\n"
                    for i in ids
                )
                payload = _tar_gz([("MANIFEST.txt", manifest.encode()), *members])
                stamp = time.strftime("%Y%m%d_%H%M%S")
                return (
                    200,
                    payload,
                    "application/x-gzip",
                    {"Content-Disposition": f"attachment; filename=gdc_download_{stamp}.tar.gz"},
                )
            return self._one(path.split("/", 2)[2])
        if path in rep.static:
            return 200, rep.static[path], "application/octet-stream", {}
        return 404, b"not found", "text/plain", {}

    def _one(self, file_id: str) -> tuple[int, bytes, str, dict[str, str]]:
        f = self.replica.files.get(file_id)
        if f is None:
            return 404, b'{"message": "file not found"}', "application/json", {}
        return (
            200,
            f.content,
            "application/octet-stream",
            {"Content-Disposition": f"attachment; filename={f.file_name}"},
        )

    def _send(
        self,
        status: int,
        payload: bytes,
        ctype: str,
        headers: dict[str, str],
        *,
        truncate: bool = False,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        for k, v in headers.items():
            self.send_header(k, v)
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload[: len(payload) // 2] if truncate else payload)
        if truncate:
            self.wfile.flush()
            self.close_connection = True


def _json(obj: Any) -> tuple[int, bytes, str, dict[str, str]]:
    return 200, json.dumps(obj).encode(), "application/json", {}


def _params(method: str, query: str, body: bytes) -> dict[str, Any]:
    if method == "POST":
        params = json.loads(body) if body else {}
    else:
        params = {k: v[0] for k, v in parse_qs(query).items()}
    flt = params.get("filters")
    if isinstance(flt, str):
        params["filters"] = json.loads(flt)
    fields = params.get("fields")
    if isinstance(fields, str):
        params["fields"] = [f for f in fields.split(",") if f]
    return params


def _search(
    source: list[dict[str, Any]], params: dict[str, Any], endpoint: str, max_size: int
) -> dict[str, Any]:
    hits = [h for h in source if _matches(h, params.get("filters"), endpoint)]
    size = min(int(params.get("size", 10)), max_size)
    start = int(params.get("from", 0))
    page = [_project(h, params.get("fields")) for h in hits[start : start + size]]
    return {
        "data": {
            "hits": page,
            "pagination": {
                "count": len(page),
                "total": len(hits),
                "size": size,
                "from": start,
                "sort": "",
                "page": start // size + 1 if size else 1,
                "pages": math.ceil(len(hits) / size) if size else 1,
            },
        },
        "warnings": {},
    }


@dataclass
class Server:
    """A running replica: ``url`` is its base URL; ``close()`` stops it."""

    url: str
    replica: Replica
    httpd: ThreadingHTTPServer
    thread: threading.Thread

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def serve(replica: Replica) -> Server:
    """Start the replica on 127.0.0.1 (a free port) in a daemon thread."""
    handler = type("Handler", (_Handler,), {"replica": replica})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    host, port = httpd.server_address[:2]
    return Server(f"http://{host}:{port}", replica, httpd, thread)


def gzip_bytes(text: str) -> bytes:
    """``text`` gzip-compressed (GEO serves ``.txt.gz`` series matrices)."""
    return gzip.compress(text.encode(), mtime=0)
