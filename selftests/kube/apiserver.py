#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
#
# A stand-in for kube-apiserver, for podnetd's selftests: there is no
# kube-apiserver in Debian. It serves only what podnetd uses, the way a
# real API server does, and refuses what a real one refuses:
#
#  - TLS; a bearer token (--tokens: "TOKEN USER" lines, read again on
#    POST /tokens of the control port) or a client certificate of --ca
#    (its CN is the user); no credentials or an unknown token: 401 (an API
#    server with --anonymous-auth=false); a user not in --allow, or a verb
#    other than get/list/watch on nodes and patch on nodes/status: 403 (the
#    RBAC of podnetd's ClusterRole);
#  - GET /api/v1/nodes: a NodeList, in pages with limit and continue (a
#    continue token older than the compaction: HTTP 410 Expired);
#  - GET /api/v1/nodes?watch=true&resourceVersion=RV[&allowWatchBookmarks=
#    true][&timeoutSeconds=N]: a chunked stream of one event a line, from
#    the history after RV; BOOKMARK events every --bookmark-interval s; the
#    stream ended at timeoutSeconds; an RV older than the compaction: an
#    ERROR event with a Status of 410 Expired on a 200 (the watch cache's
#    way), or HTTP 410 once POST /expire?mode=http said so; an RV in the
#    future: 504 after 3 s, as "Too large resource version";
#  - GET /api/v1/nodes/NAME;
#  - PATCH /api/v1/nodes/NAME/status with Content-Type
#    application/strategic-merge-patch+json (conditions and addresses
#    merged by type, maps merged, null deletes, $setElementOrder ignored)
#    or application/merge-patch+json: only metadata.labels, .annotations
#    and status change; metadata.resourceVersion in the patch is a
#    precondition (409 Conflict when stale); annotations must be strings
#    (400) with qualified names (422); a body that is not a JSON object:
#    400; another content type: 415; a patch that changes nothing changes
#    no resourceVersion; managedFields are kept per manager (the
#    User-Agent's first word).
#
# Node objects keep the shape of a real one (selftests/kube/node.json, a
# Node as an API server returns it, is the template of every node). The
# state (nodes, resourceVersion) is kept in --state and read at start: a
# restart keeps the objects and loses the watch history, so that a watch
# from before the restart is told 410, as after a real API server's
# restart.
#
# The test drives it on --control (plain HTTP, 127.0.0.1), as the cluster
# would (a kubelet registering a node, the controller manager giving it a
# PodCIDR, an administrator):
#   POST   /nodes       {"name":..,"podCIDRs":[..],"addresses":[..],
#                        "annotations":{..}}: a Node made from the template
#   PATCH  /nodes/NAME  a JSON merge patch of the whole object
#   DELETE /nodes/NAME
#   GET    /nodes/NAME  the object; GET /nodes: {"items": [every one]}
#   POST   /expire?mode=event|http  every watch ended, then the writes of
#                        the body ({"add": NODE, "delete": NAME}, or none),
#                        a write of an unrelated object (resourceVersions
#                        are global), and the history compacted to now: a
#                        watch from before answers 410 in that form
#   POST   /drop        every watch ended (as at their timeout)
#   POST   /tokens      --tokens read again
#   GET    /stats       what was asked, by whom, and the PATCH bodies
#
# Not modelled (podnetd does not use them): other resources and verbs,
# label and field selectors, resourceVersionMatch, sendInitialEvents,
# protobuf, JSON patch and server-side apply, admission, audit, API
# priority and fairness (429), anonymous requests, and the watch cache's
# own window (the history is kept until POST /expire or a restart).

import base64
import copy
import http.server
import json
import os
import socketserver
import ssl
import sys
import threading
import time
import uuid
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Condition()
STATE = {"rv": 1, "compact": 1, "nodes": {}}
HISTORY = []            # (rv, type, object) after STATE["compact"]
BASE = {}               # the nodes at STATE["compact"]
WATCHES = set()         # handlers of open watches
STATS = {"requests": {}, "unauthorized": 0, "forbidden": 0, "patches": [],
         "lists": 0, "pages": 0, "watches": 0, "expired": 0}
OPTS = {"watch410": "event"}
ARGS = {}
TOKENS = {}
TEMPLATE = {}


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def dumps(o):
    return json.dumps(o, separators=(",", ":"))


def status(code, reason, message, details=None):
    st = {"kind": "Status", "apiVersion": "v1", "metadata": {},
          "status": "Failure", "message": message, "reason": reason}
    if details:
        st["details"] = details
    st["code"] = code
    return st


def save():
    tmp = ARGS["state"] + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"rv": STATE["rv"], "nodes": STATE["nodes"]}, f)
    os.rename(tmp, ARGS["state"])


def write(kind, obj):
    """A change of an object: a new resourceVersion, history, watchers."""
    STATE["rv"] += 1
    rv = str(STATE["rv"])
    if obj is not None:
        obj["metadata"]["resourceVersion"] = rv
        name = obj["metadata"]["name"]
        if kind == "DELETED":
            STATE["nodes"].pop(name, None)
        else:
            STATE["nodes"][name] = obj
        HISTORY.append((STATE["rv"], kind, copy.deepcopy(obj)))
    save()
    LOCK.notify_all()


def with_type(obj):
    o = {"kind": "Node", "apiVersion": "v1"}
    o.update({k: v for k, v in obj.items() if k not in ("kind", "apiVersion")})
    return o


def bare(obj):
    # a list's items have no kind and apiVersion
    return {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}


def snapshot(rv):
    """The nodes as they were at resourceVersion rv (rv >= compact): the
    nodes at the compaction, and the history up to rv."""
    nodes = copy.deepcopy(BASE)
    for erv, kind, obj in HISTORY:
        if erv > rv:
            break
        if kind == "DELETED":
            nodes.pop(obj["metadata"]["name"], None)
        else:
            nodes[obj["metadata"]["name"]] = copy.deepcopy(obj)
    return nodes


def compact():
    STATE["compact"] = STATE["rv"]
    HISTORY.clear()
    BASE.clear()
    BASE.update(copy.deepcopy(STATE["nodes"]))


def new_node(spec):
    """A Node as a kubelet registers it and the controller manager gives
    it its PodCIDRs, from the template."""
    n = copy.deepcopy(TEMPLATE)
    name = spec["name"]
    md = n["metadata"]
    md["name"] = name
    md["uid"] = str(uuid.uuid4())
    md["creationTimestamp"] = now()
    md["labels"]["kubernetes.io/hostname"] = name
    md["annotations"] = {k: v for k, v in md["annotations"].items()
                         if not k.startswith("flannel.alpha.coreos.com/")}
    md["annotations"].update(spec.get("annotations", {}))
    md["managedFields"] = [m for m in md["managedFields"]
                           if m["manager"] != "flanneld"]
    for m in md["managedFields"]:
        m["time"] = md["creationTimestamp"]
        if m["manager"] == "kube-controller-manager":
            pc = {".": {}}
            for c in spec.get("podCIDRs", []):
                pc['v:"%s"' % c] = {}
            m["fieldsV1"]["f:spec"] = {"f:podCIDR": {}, "f:podCIDRs": pc}
    cidrs = spec.get("podCIDRs", [])
    n["spec"] = {"podCIDR": cidrs[0], "podCIDRs": cidrs} if cidrs else {}
    st = n["status"]
    st["conditions"] = [c for c in st["conditions"]
                        if c["type"] != "NetworkUnavailable"]
    for c in st["conditions"]:
        c["lastHeartbeatTime"] = c["lastTransitionTime"] = md["creationTimestamp"]
    st["addresses"] = [{"type": "InternalIP", "address": a}
                       for a in spec.get("addresses", [])]
    st["addresses"].append({"type": "Hostname", "address": name})
    st["nodeInfo"]["machineID"] = uuid.uuid4().hex
    st["nodeInfo"]["systemUUID"] = str(uuid.uuid4())
    st["nodeInfo"]["bootID"] = str(uuid.uuid4())
    return n


def merge_patch(target, patch):
    """RFC 7386."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(target, dict):
        target = {}
    out = dict(target)
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


class PatchError(Exception):
    def __init__(self, code, reason, message):
        super().__init__(message)
        self.st = status(code, reason, message)


MERGE_KEYS = {("status", "conditions"): "type", ("status", "addresses"): "type"}


def strategic(target, patch, path=()):
    """A strategic-merge patch of a Node (the parts podnetd sends)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if k.startswith("$setElementOrder/"):
            continue
        if k.startswith("$"):
            raise PatchError(400, "BadRequest",
                             "the stand-in API server does not model %s" % k)
        key = MERGE_KEYS.get(path + (k,))
        if v is None:
            out.pop(k, None)
        elif key and isinstance(v, list):
            cur = [copy.deepcopy(e) for e in out.get(k) or []]
            for i, e in enumerate(v):
                if not isinstance(e, dict) or not isinstance(e.get(key), str):
                    raise PatchError(422, "Invalid",
                                     "Node \"%s\" is invalid: %s[%d].%s: Required value"
                                     % ("", ".".join(path + (k,)), i, key))
                for j, c in enumerate(cur):
                    if c.get(key) == e[key]:
                        cur[j] = strategic(c, e, path + (k,))
                        break
                else:
                    cur.append(copy.deepcopy(e))
            out[k] = cur
        elif isinstance(v, dict):
            out[k] = strategic(out.get(k), v, path + (k,))
        else:
            out[k] = copy.deepcopy(v)
    return out


def qualified_name(k):
    """A Kubernetes annotation key: [DNS subdomain "/"] name (63)."""
    prefix, _, name = k.rpartition("/")
    ok = 0 < len(name) <= 63 and name[0].isalnum() and name[-1].isalnum() \
        and all(c.isalnum() or c in "-_." for c in name) and name.isascii()
    if prefix:
        ok = ok and len(prefix) <= 253 and all(
            lab and lab[0].isalnum() and lab[-1].isalnum() and
            all(c.islower() or c.isdigit() or c == "-" for c in lab)
            for lab in prefix.split("."))
    return ok


def fields_of(obj, prefix="f:"):
    """managedFields' fieldsV1 of a patch (what it sets)."""
    out = {}
    for k, v in obj.items():
        if k.startswith("$"):
            continue
        if isinstance(v, dict):
            out[prefix + k] = fields_of(v)
        elif isinstance(v, list) and k == "conditions":
            out["f:conditions"] = {
                'k:{"type":"%s"}' % e.get("type"):
                {".": {}, **{"f:" + f: {} for f in e}} for e in v}
        else:
            out[prefix + k] = {}
    return out


def apply_status_patch(node, patch, ctype, manager):
    if ctype == "application/strategic-merge-patch+json":
        new = strategic(node, patch)
    else:
        new = merge_patch(node, patch)
    # the status subresource: only labels, annotations and status
    out = copy.deepcopy(node)
    md = new.get("metadata") or {}
    for k in ("labels", "annotations"):
        if k in md:
            v = md[k]
            if v is not None and not isinstance(v, dict):
                raise PatchError(400, "BadRequest",
                                 "json: cannot unmarshal %s into Go struct field ObjectMeta.metadata.%s of type map[string]string"
                                 % (type(v).__name__, k))
            for ak, av in (v or {}).items():
                if not isinstance(av, str):
                    raise PatchError(400, "BadRequest",
                                     "json: cannot unmarshal %s into Go struct field ObjectMeta.metadata.%s of type string"
                                     % (type(av).__name__, k))
                if not qualified_name(ak):
                    raise PatchError(422, "Invalid",
                                     "Node \"%s\" is invalid: metadata.%s: Invalid value: \"%s\": a qualified name must consist of alphanumeric characters, '-', '_' or '.'"
                                     % (node["metadata"]["name"], k, ak))
            if sum(len(a) + len(b) for a, b in (v or {}).items()) > 256 * 1024:
                raise PatchError(422, "Invalid", "metadata.annotations: Too long: must have at most 262144 bytes")
            if v:
                out["metadata"][k] = v
            else:
                out["metadata"].pop(k, None)
    if "status" in new:
        out["status"] = new["status"]
    if out == node:
        return node, False
    mf = [m for m in out["metadata"].get("managedFields", [])
          if not (m.get("manager") == manager and m.get("subresource") == "status")]
    mf.append({"manager": manager, "operation": "Update", "apiVersion": "v1",
               "time": now(), "fieldsType": "FieldsV1",
               "fieldsV1": fields_of({k: v for k, v in patch.items()
                                      if k in ("metadata", "status")}),
               "subresource": "status"})
    out["metadata"]["managedFields"] = mf
    return out, True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "stand-in-kube-apiserver"

    def log_message(self, fmt, *args):
        if ARGS.get("verbose"):
            sys.stderr.write("%s %s\n" % (now(), fmt % args))

    def reply(self, code, obj, ctype="application/json"):
        body = (dumps(obj) + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if "Audit-Id" not in self.headers:
            self.send_header("Audit-Id", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    # ------------------------------------------------------- the API ----

    def user(self):
        auth = self.headers.get("Authorization", "")
        if auth:
            if not auth.startswith("Bearer ") or auth[7:] not in TOKENS:
                return None
            return TOKENS[auth[7:]]
        cert = self.connection.getpeercert() if hasattr(self.connection, "getpeercert") else None
        if cert:
            for rdn in cert.get("subject", ()):
                for k, v in rdn:
                    if k == "commonName":
                        return v
        return None

    def api(self, method):
        url = urlsplit(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")
        user = self.user()
        with LOCK:
            who = user or "(unauthenticated)"
            STATS["requests"].setdefault(who, {}).setdefault(method, 0)
            STATS["requests"][who][method] += 1
        if self.path.startswith("/api/v1/nodes") and method != "PATCH":
            self.body()
        if user is None:
            with LOCK:
                STATS["unauthorized"] += 1
            return self.reply(401, status(401, "Unauthorized", "Unauthorized"))
        if parts[:3] != ["api", "v1", "nodes"] or len(parts) > 5 or \
                (len(parts) == 5 and parts[4] != "status"):
            return self.reply(404, status(404, "NotFound", "the server could not find the requested resource"))
        accept = self.headers.get("Accept", "*/*")
        if not any(a.strip().split(";")[0] in ("application/json", "*/*", "application/*")
                   for a in accept.split(",")):
            return self.reply(406, status(406, "NotAcceptable", "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf"))
        name = parts[3] if len(parts) > 3 else None
        sub = parts[4] if len(parts) > 4 else None
        watch = q.get("watch") in ("1", "true")
        verb = {"GET": "watch" if watch else "get" if name else "list",
                "PATCH": "patch"}.get(method, method.lower())
        resource = "nodes/status" if sub else "nodes"
        allowed = user in ARGS["allow"] and (
            (resource == "nodes" and verb in ("get", "list", "watch")) or
            (resource == "nodes/status" and verb == "patch"))
        if not allowed:
            with LOCK:
                STATS["forbidden"] += 1
            if method == "PATCH":
                self.body()
            what = resource.split("/")
            msg = 'nodes%s is forbidden: User "%s" cannot %s resource "%s"%s in API group "" at the cluster scope' % (
                ' "%s"' % name if name else "", user, verb, what[0],
                ' (subresource "%s")' % what[1] if len(what) > 1 else "")
            return self.reply(403, status(403, "Forbidden", msg, {"name": name, "kind": "nodes"} if name else {"kind": "nodes"}))
        if method == "GET" and watch and not name:
            return self.watch(q)
        if method == "GET" and not name:
            return self.list(q)
        if method == "GET" and not sub:
            with LOCK:
                n = STATE["nodes"].get(name)
            if not n:
                return self.reply(404, status(404, "NotFound", 'nodes "%s" not found' % name, {"name": name, "kind": "nodes"}))
            return self.reply(200, with_type(n))
        if method == "PATCH" and sub == "status":
            return self.patch(name)
        return self.reply(405, status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"))

    def do_GET(self):
        self.api("GET")

    def do_PATCH(self):
        self.api("PATCH")

    def do_PUT(self):
        self.api("PUT")

    def do_POST(self):
        self.api("POST")

    def do_DELETE(self):
        self.api("DELETE")

    def list(self, q):
        limit = int(q.get("limit") or 0)
        with LOCK:
            STATS["pages"] += 1
            if "continue" in q:
                try:
                    tok = json.loads(base64.urlsafe_b64decode(q["continue"] + "=="))
                    rv, start = int(tok["rv"]), tok["start"]
                except (ValueError, KeyError, TypeError):
                    return self.reply(400, status(400, "BadRequest", "continue key is not valid: illegal base64 data"))
                if rv < STATE["compact"]:
                    STATS["expired"] += 1
                    return self.reply(410, status(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."))
                nodes = snapshot(rv)
            else:
                STATS["lists"] += 1
                rv, start = STATE["rv"], ""
                nodes = copy.deepcopy(STATE["nodes"])
        names = sorted(n for n in nodes if n >= start)
        cont = ""
        if limit and len(names) > limit:
            names, nxt = names[:limit], names[limit]
            cont = base64.urlsafe_b64encode(dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": nxt}).encode()).decode().rstrip("=")
        meta = {"resourceVersion": str(rv)}
        if cont:
            meta["continue"] = cont
            meta["remainingItemCount"] = len(nodes) - len([n for n in nodes if n < start]) - len(names)
        self.reply(200, {"kind": "NodeList", "apiVersion": "v1", "metadata": meta,
                         "items": [bare(nodes[n]) for n in names]})

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def watch(self, q):
        rv = q.get("resourceVersion", "")
        bookmarks = q.get("allowWatchBookmarks") in ("1", "true")
        timeout = int(q.get("timeoutSeconds") or 1800)
        deadline = time.time() + timeout
        if rv not in ("", "0") and not rv.isdigit():
            return self.reply(400, status(400, "BadRequest", 'resourceVersion: Invalid value: "%s": strconv.ParseUint: parsing "%s": invalid syntax' % (rv, rv)))
        with LOCK:
            STATS["watches"] += 1
            if rv not in ("", "0") and int(rv) > STATE["rv"]:
                LOCK.wait_for(lambda: STATE["rv"] >= int(rv), 3)
                if int(rv) > STATE["rv"]:
                    return self.reply(504, status(504, "Timeout", "Too large resource version: %s, current: %d" % (rv, STATE["rv"]),
                                                  {"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}], "retryAfterSeconds": 1}))
            expired = rv not in ("", "0") and int(rv) < STATE["compact"]
            if expired:
                STATS["expired"] += 1
            mode = OPTS["watch410"]
            sent = STATE["rv"] if rv in ("", "0") else int(rv)
            initial = [] if rv not in ("", "0") else [copy.deepcopy(n) for n in STATE["nodes"].values()]
        st = status(410, "Expired", "too old resource version: %s (%d)" % (rv, STATE["compact"]))
        if expired and mode == "http":
            return self.reply(410, st)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        if expired:
            self.chunk((dumps({"type": "ERROR", "object": st}) + "\n").encode())
            self.chunk(b"")
            return
        for n in initial:
            self.chunk((dumps({"type": "ADDED", "object": with_type(n)}) + "\n").encode())
        me = self
        with LOCK:
            WATCHES.add(me)
        self.dropped = False
        last_mark = time.time()
        try:
            while True:
                with LOCK:
                    left = deadline - time.time()
                    wait = min(left, ARGS["bookmark"] - (time.time() - last_mark)) if bookmarks else left
                    if wait > 0:
                        LOCK.wait(wait)
                    events = [(erv, k, o) for erv, k, o in HISTORY if erv > sent]
                    cur = STATE["rv"]
                    dropped = self.dropped
                if dropped:
                    break
                for erv, kind, obj in events:
                    self.chunk((dumps({"type": kind, "object": with_type(obj)}) + "\n").encode())
                    sent = erv
                if time.time() >= deadline:
                    break
                if bookmarks and time.time() - last_mark >= ARGS["bookmark"]:
                    sent = max(sent, cur)
                    mark = {"kind": "Node", "apiVersion": "v1",
                            "metadata": {"resourceVersion": str(sent), "creationTimestamp": None},
                            "spec": {}, "status": {"daemonEndpoints": {"kubeletEndpoint": {"Port": 0}},
                                                   "nodeInfo": {k: "" for k in ("machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion", "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture")}}}
                    self.chunk((dumps({"type": "BOOKMARK", "object": mark}) + "\n").encode())
                    last_mark = time.time()
            self.chunk(b"")
        except OSError:
            pass
        finally:
            with LOCK:
                WATCHES.discard(me)
        self.close_connection = True

    def patch(self, name):
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        raw = self.body()
        manager = (self.headers.get("User-Agent") or "unknown").split("/")[0]
        if ctype not in ("application/strategic-merge-patch+json", "application/merge-patch+json"):
            if ctype in ("application/json-patch+json", "application/apply-patch+yaml"):
                return self.reply(415, status(415, "UnsupportedMediaType", "the stand-in API server does not model %s" % ctype))
            return self.reply(415, status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"))
        try:
            patch = json.loads(raw)
        except ValueError as e:
            return self.reply(400, status(400, "BadRequest", "error decoding patch: %s" % e))
        if not isinstance(patch, dict):
            return self.reply(400, status(400, "BadRequest", "error decoding patch: json: cannot unmarshal %s into Go value of type map[string]interface {}" % type(patch).__name__))
        with LOCK:
            STATS["patches"].append({"node": name, "user": self.user(), "content_type": ctype, "body": raw.decode(errors="replace")})
            node = STATE["nodes"].get(name)
            if not node:
                return self.reply(404, status(404, "NotFound", 'nodes "%s" not found' % name, {"name": name, "kind": "nodes"}))
            prv = (patch.get("metadata") or {}).get("resourceVersion")
            if prv is not None and prv != node["metadata"]["resourceVersion"]:
                return self.reply(409, status(409, "Conflict", 'Operation cannot be fulfilled on nodes "%s": the object has been modified; please apply your changes to the latest version and try again' % name, {"name": name, "kind": "nodes"}))
            try:
                new, changed = apply_status_patch(node, patch, ctype, manager)
            except PatchError as e:
                return self.reply(e.st["code"], e.st)
            if changed:
                write("MODIFIED", new)
            out = with_type(STATE["nodes"][name])
        self.reply(200, out)


class Control(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, obj):
        body = (dumps(obj) + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def arg(self):
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n)) if n else None

    def do_GET(self):
        url = urlsplit(self.path)
        with LOCK:
            if url.path == "/stats":
                return self.reply(200, STATS)
            if url.path == "/nodes":
                return self.reply(200, {"items": [with_type(STATE["nodes"][n]) for n in sorted(STATE["nodes"])]})
            if url.path.startswith("/nodes/"):
                n = STATE["nodes"].get(url.path[7:])
                return self.reply(200 if n else 404, with_type(n) if n else {})
            if url.path == "/rv":
                return self.reply(200, {"rv": STATE["rv"], "compact": STATE["compact"]})
        self.reply(404, {})

    def do_POST(self):
        url = urlsplit(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query).items()}
        body = self.arg()
        with LOCK:
            if url.path == "/nodes":
                name = body["name"]
                kind = "MODIFIED" if name in STATE["nodes"] else "ADDED"
                write(kind, new_node(body))
                return self.reply(201, with_type(STATE["nodes"][name]))
            if url.path in ("/expire", "/drop"):
                for w in list(WATCHES):
                    w.dropped = True
                LOCK.notify_all()
                if url.path == "/expire":
                    OPTS["watch410"] = q.get("mode", "event")
                    body = body or {}
                    if "add" in body:
                        write("ADDED", new_node(body["add"]))
                    if body.get("delete") in STATE["nodes"]:
                        write("DELETED", copy.deepcopy(STATE["nodes"][body["delete"]]))
                    write("MODIFIED", None)     # another object's write
                    compact()
                return self.reply(200, {"rv": STATE["rv"], "compact": STATE["compact"]})
            if url.path == "/tokens":
                load_tokens()
                return self.reply(200, {"tokens": len(TOKENS)})
        self.reply(404, {})

    def do_PATCH(self):
        name = urlsplit(self.path).path[len("/nodes/"):]
        body = self.arg()
        with LOCK:
            n = STATE["nodes"].get(name)
            if not n:
                return self.reply(404, {})
            write("MODIFIED", merge_patch(n, body))
            return self.reply(200, with_type(STATE["nodes"][name]))

    def do_DELETE(self):
        name = urlsplit(self.path).path[len("/nodes/"):]
        with LOCK:
            n = STATE["nodes"].get(name)
            if not n:
                return self.reply(404, {})
            write("DELETED", copy.deepcopy(n))
            return self.reply(200, {})


class TLSServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def get_request(self):
        sock, addr = super().get_request()
        return CTX.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def finish_request(self, request, client_address):
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError):
            request.close()
            return
        super().finish_request(request, client_address)


class PlainServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def load_tokens():
    TOKENS.clear()
    with open(ARGS["tokens"]) as f:
        for line in f:
            w = line.split()
            if len(w) >= 2:
                TOKENS[w[0]] = w[1]


def main():
    global CTX
    a = iter(sys.argv[1:])
    for k in a:
        ARGS[k.lstrip("-")] = next(a)
    ARGS["allow"] = set(ARGS["allow"].split(","))
    ARGS["bookmark"] = float(ARGS.get("bookmark-interval", 60))
    ARGS["verbose"] = ARGS.get("verbose") == "1"
    with open(ARGS["template"]) as f:
        TEMPLATE.update(json.load(f))
    load_tokens()
    if os.path.exists(ARGS["state"]):
        with open(ARGS["state"]) as f:
            s = json.load(f)
        STATE["rv"] = s["rv"]
        STATE["nodes"] = s["nodes"]
    # a new watch cache: nothing before now can be watched from
    compact()
    CTX = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    CTX.load_cert_chain(ARGS["cert"], ARGS["key"])
    CTX.load_verify_locations(ARGS["ca"])
    CTX.verify_mode = ssl.CERT_OPTIONAL
    host, port = ARGS["listen"].rsplit(":", 1)
    api = TLSServer((host, int(port)), Handler)
    chost, cport = ARGS["control"].rsplit(":", 1)
    ctl = PlainServer((chost, int(cport)), Control)
    threading.Thread(target=ctl.serve_forever, daemon=True).start()
    sys.stderr.write("%s stand-in API server on %s, resourceVersion %d\n" % (now(), ARGS["listen"], STATE["rv"]))
    sys.stderr.flush()
    api.serve_forever()


if __name__ == "__main__":
    main()
