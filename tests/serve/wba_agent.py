#!/usr/bin/env python3
"""An independent Web Bot Auth signature agent for the gateway's tests.

Written from the specifications (RFC 9421 HTTP Message Signatures, RFC 7638
JWK thumbprints, RFC 8037 Ed25519 JWKs, draft-ietf-webbotauth-httpsig-
protocol-01, draft-meunier-http-message-signatures-directory), with
Debian's python3-cryptography for Ed25519: none of ccsig's code, so the
gateway's verifier is checked against a second implementation.

  wba_agent.py keygen KEYFILE
      a new Ed25519 key (the 32-byte seed, hex)
  wba_agent.py thumbprint KEYFILE
      the key's JWK SHA-256 thumbprint
  wba_agent.py directory PORTFILE KEYFILE [KEYFILE...] [--delay S]
                         [--status N] [--hits FILE] [--host ADDR]
                         [--redirect URL]
      serve the key directory of these keys on 127.0.0.1 (any port, written
      to PORTFILE) at /.well-known/http-message-signatures-directory, the
      response signed by the first key over ("@authority";req); runs until
      killed. --delay: answer S seconds late (a slow directory); --status:
      answer N with no directory (a failing one); --hits: append a line to
      FILE per request; --host: listen on ADDR (e.g. ::1) instead;
      --redirect: answer 302 to URL
  wba_agent.py sign KEYFILE AUTHORITY AGENT [--created N] [--expires N]
                    [--nonce N | --no-nonce] [--legacy] [--no-agent]
                    [--cover NAME=VALUE...] [--target TARGET [--decoded]]
      curl arguments (-H lines, one a line) for a request to AUTHORITY signed
      as AGENT (a URL). --legacy sends Signature-Agent as a bare String;
      --cover adds covered header fields (e.g. crawler-max-price); --target
      also covers @path, @query and @target-uri of the request target
      TARGET as sent (RFC 9421 2.2.6-2.2.8: not decoded, nothing
      normalised), or with --decoded, wrongly, of its percent-decoded form.
  wba_agent.py pool KEYFILE AUTHORITY AGENT N OUTFILE
      N signatures with distinct nonces (each good once) for bench/serve.sh:
      lines "Signature-Input<TAB>Signature" (Signature-Agent: agent1="AGENT")
"""
import base64
import hashlib
import socket
import urllib.parse
import http.server
import json
import os
import sys
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def load(path):
    with open(path) as f:
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(f.read().strip()))


def public_raw(key):
    return key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def thumbprint(key):
    # RFC 7638: the required members in lexicographic order, no whitespace.
    canon = '{"crv":"Ed25519","kty":"OKP","x":"%s"}' % b64url(public_raw(key))
    return b64url(hashlib.sha256(canon.encode()).digest())


def sf_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def params(created, expires, keyid, tag, nonce=None):
    p = ";created=%d;expires=%d;keyid=%s;alg=\"ed25519\"" % (created, expires, sf_string(keyid))
    if nonce is not None:
        p += ";nonce=" + sf_string(nonce)
    return p + ";tag=" + sf_string(tag)


def signature_value(key, lines, inner):
    base = "".join("%s: %s\n" % (c, v) for c, v in lines)
    base += '"@signature-params": ' + inner
    return "sig1=:" + base64.b64encode(key.sign(base.encode())).decode() + ":"


def cmd_directory(portfile, args):
    keyfiles, delay, status, hits, host, redirect = [], 0.0, 200, None, "127.0.0.1", None
    i = 0
    while i < len(args):
        if args[i] == "--delay":
            delay = float(args[i + 1]); i += 1
        elif args[i] == "--status":
            status = int(args[i + 1]); i += 1
        elif args[i] == "--hits":
            hits = args[i + 1]; i += 1
        elif args[i] == "--host":
            host = args[i + 1]; i += 1
        elif args[i] == "--redirect":
            redirect = args[i + 1]; i += 1
        else:
            keyfiles.append(args[i])
        i += 1
    keys = [load(k) for k in keyfiles]
    jwks = json.dumps({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": b64url(public_raw(k))}
                                for k in keys]}).encode()

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if hits:
                with open(hits, "a") as f:
                    f.write(self.path + "\n")
            if delay:
                time.sleep(delay)
            if redirect:
                self.send_response(302)
                self.send_header("Location", redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if status != 200:
                self.send_error(status)
                return
            if self.path != "/.well-known/http-message-signatures-directory":
                self.send_error(404)
                return
            now = int(time.time())
            inner = '("@authority";req)' + params(now - 5, now + 3600, thumbprint(keys[0]),
                                                  "http-message-signatures-directory")
            sig = signature_value(keys[0], [('"@authority";req', self.headers["Host"])], inner)
            self.send_response(200)
            self.send_header("Content-Type",
                             "application/http-message-signatures-directory+json")
            self.send_header("Cache-Control", "max-age=300")
            self.send_header("Signature-Input", "sig1=" + inner)
            self.send_header("Signature", sig)
            self.send_header("Content-Length", str(len(jwks)))
            self.end_headers()
            self.wfile.write(jwks)

        def log_message(self, fmt, *args):
            sys.stderr.write("directory: " + (fmt % args) + "\n")

    class Server(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    srv = Server((host, 0), H)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, portfile)
    srv.serve_forever()


def cmd_sign(args):
    keyfile, authority, agent = args[:3]
    opts = args[3:]
    now = int(time.time())
    created, expires = now, now + 300
    nonce = b64url(os.urandom(64))
    legacy = no_agent = decoded = False
    cover = []
    target = None
    i = 0
    while i < len(opts):
        o = opts[i]
        if o == "--created":
            created = int(opts[i + 1]); i += 1
        elif o == "--expires":
            expires = int(opts[i + 1]); i += 1
        elif o == "--nonce":
            nonce = opts[i + 1]; i += 1
        elif o == "--no-nonce":
            nonce = None
        elif o == "--legacy":
            legacy = True
        elif o == "--no-agent":
            no_agent = True
        elif o == "--cover":
            cover.append(opts[i + 1]); i += 1
        elif o == "--target":
            target = opts[i + 1]; i += 1
        elif o == "--decoded":
            decoded = True
        else:
            raise SystemExit("unknown option " + o)
        i += 1
    key = load(keyfile)
    comps, lines, out = ['"@authority"'], [('"@authority"', authority)], []
    if not no_agent:
        if legacy:
            value = sf_string(agent)
            comps.append('"signature-agent"')
            lines.append(('"signature-agent"', value))
        else:
            value = "agent1=" + sf_string(agent)
            comps.append('"signature-agent";key="agent1"')
            lines.append(('"signature-agent";key="agent1"', sf_string(agent)))
        out.append("Signature-Agent: " + value)
    if target is not None:
        # RFC 9421 2.2.6: @path is the target's absolute path as sent, with
        # no decoding; 2.2.7: @query is "?" and the query as sent ("?" when
        # there is none); 2.2.2: @target-uri the full URI.
        t = urllib.parse.unquote(target) if decoded else target
        path, q, query = t.partition("?")
        for name, value in (("@path", path or "/"), ("@query", "?" + query),
                            ("@target-uri", "http://" + authority + t)):
            comps.append(sf_string(name))
            lines.append((sf_string(name), value))
    for name, value in (c.split("=", 1) for c in cover):
        comps.append(sf_string(name.lower()))
        lines.append((sf_string(name.lower()), value))
        out.append("%s: %s" % (name, value))
    inner = "(" + " ".join(comps) + ")" + params(created, expires, thumbprint(key),
                                                 "web-bot-auth", nonce)
    out.append("Signature-Input: sig1=" + inner)
    out.append("Signature: " + signature_value(key, lines, inner))
    for h in out:
        print("-H")
        print(h)


def cmd_pool(keyfile, authority, agent, n, outfile):
    key = load(keyfile)
    kid = thumbprint(key)
    now = int(time.time())
    comps = '("@authority" "signature-agent";key="agent1")'
    lines = [('"@authority"', authority), ('"signature-agent";key="agent1"', sf_string(agent))]
    with open(outfile, "w") as f:
        for i in range(n):
            inner = comps + params(now - 5, now + 300, kid, "web-bot-auth",
                                   "n%d-%s" % (i, b64url(os.urandom(12))))
            f.write("sig1=%s\t%s\n" % (inner, signature_value(key, lines, inner)))


def main():
    a = sys.argv[1:]
    if not a:
        raise SystemExit(__doc__)
    if a[0] == "keygen":
        with open(a[1], "w") as f:
            f.write(os.urandom(32).hex() + "\n")
    elif a[0] == "thumbprint":
        print(thumbprint(load(a[1])))
    elif a[0] == "directory":
        cmd_directory(a[1], a[2:])
    elif a[0] == "sign":
        cmd_sign(a[1:])
    elif a[0] == "pool":
        cmd_pool(a[1], a[2], a[3], int(a[4]), a[5])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
