"""A local stand-in for GitHub's REST API (one repository), on 127.0.0.1, for publishing tests.

Start it as a context manager and point PyGithub at it (`base_url=server.url`,
`auth=github.Auth.Token(server.token)`). It holds real git objects, named by git's own SHA-1
scheme: blobs, trees (with `base_tree` and `sha: null` deletions, empty folders pruned),
commits and branch refs of the repository `owner/repo`. It starts with one commit
(`server.base_sha`) holding `INITIAL_FILES` on branch `main`.

Endpoints (paths under `/repos/owner/repo`):
    GET ``                                   the repository
    GET `/git/ref/heads/{b}`, `/git/refs/heads/{b}`      a branch ref
    PATCH `/git/refs/heads/{b}` {sha, force}  move a branch (422 "Update is not a fast forward"
                                              unless `force` or the old head is an ancestor)
    POST `/git/refs` {ref, sha}               create a ref
    GET/POST `/git/commits[/{sha}]`           commits (author/committer as sent, or the owner)
    GET/POST `/git/trees[/{sha}]`             trees; GET takes `recursive=1`
    GET/POST `/git/blobs[/{sha}]`             blobs (content utf-8 or base64)
    GET `/contents/{path}?ref=`               a file at a ref (base64), 404 when absent

Every request is recorded in `server.requests` (method, path, query, JSON body, and whether its
`Authorization` header carried the token as `token …` or `Bearer …`). A request without the
token gets 401 "Bad credentials"; with `server.read_only` every write gets 403 "Resource not
accessible by integration"; `GithubServer(empty=True)` is a repository without commits (409
"Git Repository is empty." on its refs).

Scripting, each rule matching an HTTP method (None: any) and a regex searched in the path:
    server.fail(status, body, headers=…, method=…, path=…, times=1)  answer instead of serving
    server.fail(…, apply=True)            serve the request, then answer with the failure
                                          (a response lost after GitHub did the work)
    server.reset(method=…, path=…)        drop the connection without an answer
    server.before(method, path, action)   run `action()` when such a request arrives, before it
                                          is served (e.g. `server.push({...})`: a competing push)
    server.push({path: text or None})     commit on the branch as someone else; the new sha
Inspect with `server.head()`, `server.files(sha)`, `server.commit(sha)`, `server.history()`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import socket
import struct
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FAKE_TOKEN = "ghs_FAKEtoken0123456789SECRETabcdefXYZ"  # noqa: S105 - a test value, never real
"""The token the server accepts by default: recognisable, so tests can prove it never leaks."""

OWNER = "owner"
NAME = "repo"
REPOSITORY = f"{OWNER}/{NAME}"
BRANCH = "main"

INITIAL_FILES: Mapping[str, str] = {
    "README.md": "# My arXiv lists\n\nPapers I follow.\n",
    "lists/x/2026/2026-11-19.json": '{"list": "x", "date": "2026-11-19", "papers": []}\n',
}
"""The files of the repository's first commit."""

OWNER_IDENTITY: Mapping[str, str] = {"name": "Repo Owner", "email": "owner@example.com"}
_EPOCH = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
_DOCS = "https://docs.github.com/rest"


# --- git objects -------------------------------------------------------------------------------


def _object_sha(kind: str, payload: bytes) -> str:
    return hashlib.sha1(
        f"{kind} {len(payload)}\0".encode() + payload, usedforsecurity=False
    ).hexdigest()


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    type: str
    sha: str


@dataclass(frozen=True)
class Commit:
    """A commit as the server holds it."""

    sha: str
    tree: str
    parents: tuple[str, ...]
    message: str
    author: Mapping[str, str]
    committer: Mapping[str, str]


@dataclass(frozen=True)
class Request:
    """One request the server received."""

    method: str
    path: str
    query: Mapping[str, str]
    body: Any
    authorized: bool
    """True when the `Authorization` header carried the token (`token …` or `Bearer …`)."""
    authorization: str | None
    """The raw header, for tests that check what was sent."""


@dataclass
class _Answer:
    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    reset: bool = False


@dataclass
class _Rule:
    method: str | None
    path: str
    remaining: int | None
    answer: _Answer | None = None
    action: Callable[[], object] | None = None
    apply: bool = False

    def matches(self, method: str, path: str) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        return re.search(self.path, path) is not None

    def use(self) -> None:
        if self.remaining is not None:
            self.remaining -= 1


Q = Mapping[str, str]
_Route = Callable[[re.Match[str], Q, Any], tuple[int, Any]]


class _Refused(Exception):  # noqa: N818 - an HTTP answer raised from deep inside a handler
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class GithubServer:
    """The local GitHub API; see the module docstring for what it answers."""

    def __init__(
        self,
        *,
        token: str = FAKE_TOKEN,
        files: Mapping[str, str] | None = None,
        empty: bool = False,
    ) -> None:
        self.token = token
        self.repository = REPOSITORY
        self.branch = BRANCH
        self.read_only = False
        """Every write answers 403 "Resource not accessible by integration" (a read-only token)."""
        self.truncate_trees = False
        """Recursive tree listings come back `truncated` (only the top level), as for huge repos."""
        self.requests: list[Request] = []
        self.blobs: dict[str, bytes] = {}
        self.trees: dict[str, dict[str, TreeEntry]] = {}
        self.commits: dict[str, Commit] = {}
        self.refs: dict[str, str] = {}
        self._rules: list[_Rule] = []
        self._ticks = 0
        self._lock = threading.RLock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.base_sha = ""
        """The first commit (empty when the repository was made empty)."""
        if not empty:
            tree = self._build_tree(
                {
                    path: ("100644", self._store_blob(text.encode()))
                    for path, text in (files if files is not None else INITIAL_FILES).items()
                }
            )
            self.base_sha = self._store_commit(tree, (), "Initial commit", None, None)
            self.refs[f"refs/heads/{BRANCH}"] = self.base_sha

    # -- lifecycle

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The API root to give PyGithub's `base_url` or `GITHUB_API_URL`."""
        return f"http://127.0.0.1:{self.port}"

    def environ(self, **extra: str) -> dict[str, str]:
        """The Actions variables a publisher reads, pointing at this server."""
        return {
            "GITHUB_TOKEN": self.token,
            "GITHUB_REPOSITORY": self.repository,
            "GITHUB_API_URL": self.url,
            "GITHUB_REF_NAME": self.branch,
            "GITHUB_SHA": self.base_sha,
            **extra,
        }

    def start(self) -> GithubServer:
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> GithubServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- scripting

    def fail(
        self,
        status: int,
        body: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
        path: str = "",
        times: int | None = 1,
        apply: bool = False,
    ) -> None:
        """Answer the next `times` matching requests (None: all) with `status` and `body`
        (default: `{"message": <reason>}`); with `apply`, serve each first, then answer so."""
        if body is None:
            body = {"message": HTTPStatus(status).phrase, "documentation_url": _DOCS}
        answer = _Answer(status, body, dict(headers or {}))
        with self._lock:
            self._rules.append(_Rule(method, path, times, answer=answer, apply=apply))

    def reset(self, *, method: str | None = None, path: str = "", times: int | None = 1) -> None:
        """Drop the next `times` matching connections without answering (a network fault)."""
        with self._lock:
            self._rules.append(_Rule(method, path, times, answer=_Answer(0, reset=True)))

    def before(
        self,
        method: str | None,
        path: str,
        action: Callable[[], object],
        *,
        times: int | None = 1,
    ) -> None:
        """Run `action()` when a matching request arrives, before it is served."""
        with self._lock:
            self._rules.append(_Rule(method, path, times, action=action))

    def push(
        self,
        changes: Mapping[str, str | None],
        *,
        message: str = "A competing push",
        branch: str | None = None,
    ) -> str:
        """Commit `changes` (text, or None to delete) on the branch as its owner; the new sha."""
        with self._lock:
            name = f"refs/heads/{branch or self.branch}"
            parent = self.refs[name]
            flat = self._flatten(self.commits[parent].tree)
            for path, text in changes.items():
                if text is None:
                    flat.pop(path, None)
                else:
                    flat[path] = ("100644", self._store_blob(text.encode()))
            sha = self._store_commit(self._build_tree(flat), (parent,), message, None, None)
            self.refs[name] = sha
            return sha

    # -- inspection

    def head(self, branch: str | None = None) -> str:
        """The sha the branch points at."""
        with self._lock:
            return self.refs[f"refs/heads/{branch or self.branch}"]

    def files(self, sha: str | None = None) -> dict[str, str]:
        """Every file of a commit (default: the branch head) with its text."""
        with self._lock:
            commit = self.commits[sha or self.head()]
            return {
                path: self.blobs[blob].decode()
                for path, (_, blob) in sorted(self._flatten(commit.tree).items())
            }

    def commit(self, sha: str) -> Commit:
        with self._lock:
            return self.commits[sha]

    def history(self, branch: str | None = None) -> list[str]:
        """The branch's commits, newest first, along first parents."""
        with self._lock:
            out: list[str] = []
            sha: str | None = self.head(branch)
            while sha is not None:
                out.append(sha)
                parents = self.commits[sha].parents
                sha = parents[0] if parents else None
            return out

    def calls(self, method: str, path: str = "") -> list[Request]:
        """The recorded requests with this method whose path contains `path`."""
        with self._lock:
            return [r for r in self.requests if r.method == method and path in r.path]

    # -- object store

    def _store_blob(self, data: bytes) -> str:
        sha = _object_sha("blob", data)
        self.blobs[sha] = data
        return sha

    def _store_tree(self, entries: dict[str, TreeEntry]) -> str:
        def order(name: str) -> bytes:
            return (name + ("/" if entries[name].type == "tree" else "")).encode()

        payload = b"".join(
            f"{entries[n].mode.lstrip('0') if entries[n].type == 'tree' else entries[n].mode} "
            f"{n}\0".encode()
            + bytes.fromhex(entries[n].sha)
            for n in sorted(entries, key=order)
        )
        sha = _object_sha("tree", payload)
        self.trees[sha] = dict(entries)
        return sha

    def _build_tree(self, flat: Mapping[str, tuple[str, str]]) -> str:
        """Store the trees for `{path: (mode, blob sha)}`; the root tree's sha."""
        files: dict[str, TreeEntry] = {}
        folders: dict[str, dict[str, tuple[str, str]]] = {}
        for path, (mode, sha) in flat.items():
            head, _, rest = path.partition("/")
            if rest:
                folders.setdefault(head, {})[rest] = (mode, sha)
            else:
                files[head] = TreeEntry(mode, "blob", sha)
        for name, inner in folders.items():
            files[name] = TreeEntry("040000", "tree", self._build_tree(inner))
        return self._store_tree(files)

    def _flatten(self, tree: str, prefix: str = "") -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        for name, entry in self.trees[tree].items():
            if entry.type == "tree":
                out.update(self._flatten(entry.sha, f"{prefix}{name}/"))
            else:
                out[f"{prefix}{name}"] = (entry.mode, entry.sha)
        return out

    def _identity(self, given: Any) -> dict[str, str]:
        if isinstance(given, dict) and "name" in given and "email" in given:
            out = {"name": str(given["name"]), "email": str(given["email"])}
            if "date" in given:
                out["date"] = str(given["date"])
                return out
        else:
            out = dict(OWNER_IDENTITY)
        self._ticks += 1
        moment = _EPOCH + timedelta(minutes=self._ticks)
        out["date"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        return out

    def _store_commit(
        self, tree: str, parents: tuple[str, ...], message: str, author: Any, committer: Any
    ) -> str:
        who = self._identity(author)
        by = self._identity(committer) if committer is not None else dict(who)

        def line(role: str, person: Mapping[str, str]) -> str:
            when = datetime.fromisoformat(person["date"].replace("Z", "+00:00"))
            return f"{role} {person['name']} <{person['email']}> {int(when.timestamp())} +0000\n"

        text = f"tree {tree}\n" + "".join(f"parent {p}\n" for p in parents)
        text += line("author", who) + line("committer", by) + "\n" + message
        sha = _object_sha("commit", text.encode())
        self.commits[sha] = Commit(sha, tree, parents, message, who, by)
        return sha

    def _is_ancestor(self, old: str, new: str) -> bool:
        todo, seen = [new], set()
        while todo:
            sha = todo.pop()
            if sha == old:
                return True
            if sha in seen or sha not in self.commits:
                continue
            seen.add(sha)
            todo.extend(self.commits[sha].parents)
        return False

    # -- JSON shapes

    def _repo_url(self) -> str:
        return f"{self.url}/repos/{REPOSITORY}"

    def _ref_json(self, name: str) -> dict[str, Any]:
        sha = self.refs[name]
        return {
            "ref": name,
            "node_id": "REF_" + sha[:10],
            "url": f"{self._repo_url()}/git/{name}",
            "object": {
                "sha": sha,
                "type": "commit",
                "url": f"{self._repo_url()}/git/commits/{sha}",
            },
        }

    def _commit_json(self, sha: str) -> dict[str, Any]:
        commit = self.commits[sha]
        return {
            "sha": sha,
            "node_id": "C_" + sha[:10],
            "url": f"{self._repo_url()}/git/commits/{sha}",
            "html_url": f"https://github.com/{REPOSITORY}/commit/{sha}",
            "author": dict(commit.author),
            "committer": dict(commit.committer),
            "message": commit.message,
            "tree": {"sha": commit.tree, "url": f"{self._repo_url()}/git/trees/{commit.tree}"},
            "parents": [
                {
                    "sha": p,
                    "url": f"{self._repo_url()}/git/commits/{p}",
                    "html_url": f"https://github.com/{REPOSITORY}/commit/{p}",
                }
                for p in commit.parents
            ],
            "verification": {"verified": False, "reason": "unsigned", "signature": None},
        }

    def _entry_json(self, path: str, entry: TreeEntry) -> dict[str, Any]:
        kind = "blobs" if entry.type == "blob" else "trees"
        out: dict[str, Any] = {
            "path": path,
            "mode": entry.mode,
            "type": entry.type,
            "sha": entry.sha,
            "url": f"{self._repo_url()}/git/{kind}/{entry.sha}",
        }
        if entry.type == "blob":
            out["size"] = len(self.blobs[entry.sha])
        return out

    def _tree_json(self, sha: str, *, recursive: bool) -> dict[str, Any]:
        entries: list[dict[str, Any]] = []

        def walk(tree: str, prefix: str) -> None:
            for name, entry in sorted(self.trees[tree].items()):
                entries.append(self._entry_json(prefix + name, entry))
                if recursive and entry.type == "tree":
                    walk(entry.sha, f"{prefix}{name}/")

        truncated = recursive and self.truncate_trees
        walk(sha, "")
        if truncated:
            entries = [entry for entry in entries if "/" not in entry["path"]]
        return {
            "sha": sha,
            "url": f"{self._repo_url()}/git/trees/{sha}",
            "tree": entries,
            "truncated": truncated,
        }

    def _blob_json(self, sha: str) -> dict[str, Any]:
        data = self.blobs[sha]
        return {
            "sha": sha,
            "node_id": "B_" + sha[:10],
            "size": len(data),
            "url": f"{self._repo_url()}/git/blobs/{sha}",
            "content": base64.encodebytes(data).decode(),
            "encoding": "base64",
        }

    # -- serving

    def _handle(
        self, method: str, raw_path: str, authorization: str | None, body: bytes
    ) -> _Answer:
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        parsed: Any = None
        if body:
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = body.decode(errors="replace")
        authorized = authorization in {f"token {self.token}", f"Bearer {self.token}"}
        with self._lock:
            self.requests.append(Request(method, path, query, parsed, authorized, authorization))
            actions = [rule.action for rule in self._take(method, path, actions=True)]
        for action in actions:
            if action is not None:
                action()
        with self._lock:
            scripted = next(iter(self._take(method, path, actions=False)), None)
            if scripted is not None and not scripted.apply:
                assert scripted.answer is not None
                return scripted.answer
            answer = self._answer(method, path, query, parsed, authorized=authorized)
            if scripted is not None:
                assert scripted.answer is not None
                return scripted.answer
            return answer

    def _take(self, method: str, path: str, *, actions: bool) -> list[_Rule]:
        """The matching rules (all hooks, or the first scripted answer), each used once."""
        taken: list[_Rule] = []
        for rule in self._rules:
            if (rule.action is not None) == actions and rule.matches(method, path):
                rule.use()
                taken.append(rule)
                if not actions:
                    break
        return taken

    def _answer(
        self, method: str, path: str, query: Mapping[str, str], body: Any, *, authorized: bool
    ) -> _Answer:
        if not authorized:
            return _Answer(401, {"message": "Bad credentials", "documentation_url": _DOCS})
        try:
            status, data = self._serve(method, path, query, body)
        except _Refused as refused:
            return _Answer(refused.status, {"message": refused.message, "documentation_url": _DOCS})
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            return _Answer(422, {"message": f"Invalid request: {error!r}"})
        return _Answer(status, data)

    def _serve(
        self, method: str, path: str, query: Mapping[str, str], body: Any
    ) -> tuple[int, Any]:
        prefix = f"/repos/{REPOSITORY}"
        if not (path == prefix or path.startswith(prefix + "/")):
            raise _Refused(404, "Not Found")
        rest = path[len(prefix) :]
        if method != "GET" and self.read_only:
            raise _Refused(403, "Resource not accessible by integration")
        routes: list[tuple[str, str, _Route]] = [
            ("GET", r"", self._get_repository),
            ("GET", r"/git/refs?/(heads/.+)", self._ref),
            ("PATCH", r"/git/refs/(heads/.+)", self._ref),
            ("POST", r"/git/refs", self._create_ref),
            ("GET", r"/git/(commits|trees|blobs)/([0-9a-f]{40})", self._get_object),
            ("POST", r"/git/blobs", self._create_blob),
            ("POST", r"/git/trees", self._create_tree),
            ("POST", r"/git/commits", self._create_commit),
            ("GET", r"/contents/(.+)", self._contents),
        ]
        for verb, pattern, route in routes:
            found = re.fullmatch(pattern, rest)
            if verb == method and found is not None:
                return route(found, query, body)
        raise _Refused(404, "Not Found")

    def _get_repository(self, found: re.Match[str], query: Q, body: Any) -> tuple[int, Any]:
        return 200, {
            "id": 1,
            "node_id": "R_1",
            "name": NAME,
            "full_name": REPOSITORY,
            "owner": {"login": OWNER, "id": 2, "type": "User"},
            "private": False,
            "default_branch": self.branch,
            "url": self._repo_url(),
            "html_url": f"https://github.com/{REPOSITORY}",
        }

    def _ref(self, found: re.Match[str], query: Q, body: Any) -> tuple[int, Any]:
        if not self.commits:
            raise _Refused(409, "Git Repository is empty.")
        name = "refs/" + found.group(1)
        if name not in self.refs:
            raise _Refused(404, "Not Found")
        if body is not None:
            sha = str(body["sha"])
            if sha not in self.commits:
                raise _Refused(422, "Object does not exist")
            current = self.refs[name]
            if not body.get("force", False) and not self._is_ancestor(current, sha):
                raise _Refused(422, "Update is not a fast forward")
            self.refs[name] = sha
        return 200, self._ref_json(name)

    def _create_ref(self, found: re.Match[str], query: Q, body: Any) -> tuple[int, Any]:
        name, sha = str(body["ref"]), str(body["sha"])
        if name in self.refs:
            raise _Refused(422, "Reference already exists")
        if sha not in self.commits:
            raise _Refused(422, "Object does not exist")
        self.refs[name] = sha
        return 201, self._ref_json(name)

    def _get_object(self, found: re.Match[str], query: Q, body: Any) -> tuple[int, Any]:
        kind, sha = found.groups()
        if kind == "commits" and sha in self.commits:
            return 200, self._commit_json(sha)
        if kind == "trees" and sha in self.trees:
            recursive = query.get("recursive", "") not in {"", "0"}
            return 200, self._tree_json(sha, recursive=recursive)
        if kind == "blobs" and sha in self.blobs:
            return 200, self._blob_json(sha)
        raise _Refused(404, "Not Found")

    def _create_blob(self, found: re.Match[str], query: Q, body: Any) -> tuple[int, Any]:
        content = str(body["content"])
        encoding = body.get("encoding", "utf-8")
        data = base64.b64decode(content) if encoding == "base64" else content.encode()
        sha = self._store_blob(data)
        return 201, {"sha": sha, "url": f"{self._repo_url()}/git/blobs/{sha}"}

    def _create_commit(self, found: re.Match[str], query: Q, body: Any) -> tuple[int, Any]:
        tree = str(body["tree"])
        parents = tuple(str(p) for p in body.get("parents", []))
        if tree not in self.trees:
            raise _Refused(422, "Tree SHA does not exist")
        if any(p not in self.commits for p in parents):
            raise _Refused(422, "Parent SHA does not exist or is not a commit object")
        sha = self._store_commit(
            tree, parents, str(body["message"]), body.get("author"), body.get("committer")
        )
        return 201, self._commit_json(sha)

    def _create_tree(self, found: re.Match[str], query: Q, body: Any) -> tuple[int, Any]:
        base = body.get("base_tree")
        if base is not None and base not in self.trees:
            raise _Refused(422, "base_tree is not a valid tree oid")
        flat = self._flatten(base) if base else {}
        for item in body["tree"]:
            self._tree_item(flat, item)
        return 201, self._tree_json(self._build_tree(flat), recursive=False)

    def _tree_item(self, flat: dict[str, tuple[str, str]], item: Mapping[str, Any]) -> None:
        path = str(item["path"]).strip("/")
        if "content" in item and "sha" in item:
            raise _Refused(
                422,
                "Must supply either tree.sha or tree.content. "
                "Request will be rejected if both are present.",
            )
        if "content" in item:
            flat[path] = (str(item["mode"]), self._store_blob(str(item["content"]).encode()))
        elif "sha" not in item:
            raise _Refused(422, "Must supply tree.sha or tree.content")
        elif item["sha"] is None:
            inside = [p for p in flat if p == path or p.startswith(path + "/")]
            if not inside:
                raise _Refused(422, f"GitRPC::BadObjectState: {path} does not exist")
            for gone in inside:
                del flat[gone]
        elif item.get("type") == "tree":
            for sub, value in self._flatten(str(item["sha"])).items():
                flat[f"{path}/{sub}"] = value
        elif str(item["sha"]) in self.blobs:
            flat[path] = (str(item["mode"]), str(item["sha"]))
        else:
            raise _Refused(422, f"tree.sha {item['sha']} is not a valid blob")

    def _contents(self, found: re.Match[str], query: Q, body: Any) -> tuple[int, Any]:
        path, ref = found.group(1), query.get("ref")
        sha = ref or self.head()
        sha = self.refs.get(f"refs/heads/{sha}", sha)
        if sha not in self.commits:
            raise _Refused(404, f"No commit found for the ref {ref}")
        flat = self._flatten(self.commits[sha].tree)
        if path not in flat:
            raise _Refused(404, "Not Found")
        blob = flat[path][1]
        return 200, {
            "type": "file",
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": blob,
            "size": len(self.blobs[blob]),
            "encoding": "base64",
            "content": base64.encodebytes(self.blobs[blob]).decode(),
            "url": f"{self._repo_url()}/contents/{path}?ref={sha}",
        }


def _handler_for(server: GithubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            answer = server._handle(
                self.command, self.path, self.headers.get("Authorization"), body
            )
            if answer.reset:
                linger = struct.pack("ii", 1, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                self.connection.close()
                self.close_connection = True
                return
            payload = (
                b""
                if answer.body is None
                else (
                    answer.body.encode()
                    if isinstance(answer.body, str)
                    else json.dumps(answer.body).encode()
                )
            )
            self.send_response(answer.status)
            if not any(k.lower() == "content-type" for k in answer.headers):
                self.send_header("Content-Type", "application/json; charset=utf-8")
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any  # noqa: N815 - http.server names

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: tests read `server.requests` instead."""

    return Handler
