#!/usr/bin/env python3
"""End-to-end tests of `ccsig rag` over the three kinds of collection and
with a model: a WARC kept by `ccsig scan --keep`, a running `ccsig serve`
gateway (its search API with a key), and an OpenAI-compatible chat
completions server written here (the wire format of the published
specification: POST /v1/chat/completions, JSON in, choices[0].message.content
out) whose reply leaves a credit out, which rag must repair.

usage: test_rag.py CCSIG SOURCE-DIR
Everything listens on 127.0.0.1 and is stopped at the end.
"""
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

CCSIG = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
SITE = os.path.join(SRC, 'tests/golden/cite/fixtures/site')
failures = []


def check(cond, what, detail=''):
    if not cond:
        failures.append(f'{what}\n{detail}')
        print(f'FAIL: {what}', file=sys.stderr)
    else:
        print(f'ok: {what}')


def run(args, **kw):
    return subprocess.run([CCSIG] + args, capture_output=True, text=True, timeout=120, **kw)


def warc_record(fields, block):
    head = 'WARC/1.1\r\n' + ''.join(f'{k}: {v}\r\n' for k, v in fields) + \
        f'Content-Length: {len(block)}\r\n\r\n'
    return head.encode() + block + b'\r\n\r\n'


def response(url, headers, body, n):
    http_block = ('HTTP/1.1 200 OK\r\n' + ''.join(f'{k}: {v}\r\n' for k, v in headers) +
                  f'Content-Length: {len(body)}\r\n\r\n').encode() + body
    return warc_record([('WARC-Type', 'response'), ('WARC-Date', '2026-11-30T12:00:00Z'),
                        ('WARC-Record-ID', f'<urn:uuid:00000000-0000-4000-8000-{n:012d}>'),
                        ('WARC-Target-URI', url),
                        ('Content-Type', 'application/http; msgtype=response')], http_block)


def read(name):
    with open(os.path.join(SITE, name), 'rb') as f:
        return f.read()


def test_warc(tmp):
    """A crawl of the fixture site, each page with the Content-Usage header its
    robots.txt rule gives, scanned with --keep for ai-use committing to credit;
    rag answers from the kept WARC, and from the whole crawl (withholding)."""
    html = [('Content-Type', 'text/html; charset=utf-8')]
    crawl = os.path.join(tmp, 'crawl.warc')
    with open(crawl, 'wb') as f:
        f.write(response('https://museum.example.org/articles/tides', html +
                         [('Content-Usage', 'ai-use=n;exceptions=cc-cr')],
                         read('articles/tides.html'), 1))
        f.write(response('https://museum.example.org/articles/lighthouse.html', html +
                         [('Content-Usage', 'ai-use=n;exceptions=cc-cr-dc')],
                         read('articles/lighthouse.html'), 2))
        f.write(response('https://museum.example.org/closed/letters.html', html +
                         [('Content-Usage', 'ai-use=n')], read('closed/letters.html'), 3))
    kept = os.path.join(tmp, 'kept.warc')
    r = run(['scan', '--quiet', '--keep', kept, '--use', 'ai-use', '--commit', 'credit', crawl])
    check(r.returncode in (0, 1) and os.path.getsize(kept) > 0, 'scan --keep wrote the usable records',
          r.stderr)
    q = 'How many species of sea anemone live in the tide pools?'
    r = run(['rag', '--warc', kept, q])
    out = r.stdout
    check(r.returncode == 0, 'rag --warc (kept) exits 0', r.stderr)
    check('\u201cTide pools on the north coast hold more than forty species of sea anemone.\u201d [1]'
          in out.replace('Tide Pools of the North Coast Tide', 'Tide'),
          'the kept WARC answers with a marked quotation', out)
    check('[1] "Tide Pools of the North Coast & Their Keepers" '
          '(https://museum.example.org/articles/tides) by Ada Okafor' in out,
          'the reference is in TASL form', out)
    check('preference read 2026-11-30T12:00:00Z' in out, 'the WARC-Date is when the preference was read', out)
    check('harbour master' not in out.lower() and 'letters.html' not in out,
          'a source scan did not keep is absent', out)
    # the whole crawl: rag decides by itself
    r = run(['rag', '--warc', crawl, 'tide pools favourite place storms'])
    out = r.stdout
    check('his favourite place' not in out, 'a denied source is never quoted', out)
    check('- Private Letters of the Harbour Master (https://museum.example.org/closed/letters.html): '
          'not-permitted for ai-use; stated by header: ai-use=n' in out,
          'the denied source is withheld with its reason', out)
    check('The Lighthouse Logbooks, 1880-1920 (https://museum.example.org/articles/lighthouse.html): '
          'not-permitted for ai-use unless you commit to: direct-contribution' in out,
          'a source whose exception the profile does not meet is withheld with the condition', out)
    r = run(['rag', '--warc', crawl, '--commit', 'credit,direct-contribution',
             'When did storms grow more frequent?'])
    check('\u201cThe logbooks show that storms grew more frequent after 1900.\u201d [1]' in r.stdout,
          'committing to the condition lifts the exception', r.stdout)


class FakeModel(http.server.BaseHTTPRequestHandler):
    """POST /v1/chat/completions: a reply that cites source 1 with its link,
    author and licence and uses source 2 without crediting it."""
    requests = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
        FakeModel.requests.append((self.path, json.loads(body)))
        if self.path != '/v1/chat/completions':
            self.send_error(404)
            return
        content = ('Tide pools on the north coast hold more than forty species of sea anemone [1]. '
                   'Species are counted every year, with the yearly counts published.\n\n'
                   'Sources: [1] Tide Pools of the North Coast & Their Keepers by Ada Okafor, '
                   'https://museum.example.org/articles/tides, CC BY 4.0')
        reply = json.dumps({'id': 'chatcmpl-test', 'object': 'chat.completion',
                            'created': int(time.time()), 'model': 'fake',
                            'choices': [{'index': 0, 'finish_reason': 'stop',
                                         'message': {'role': 'assistant', 'content': content}}],
                            'usage': {'prompt_tokens': 1, 'completion_tokens': 1,
                                      'total_tokens': 2}}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *a):
        pass


def test_llm():
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), FakeModel)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        url = f'http://127.0.0.1:{srv.server_address[1]}/v1/chat/completions'
        r = run(['rag', '--dir', SITE, '--base', 'https://museum.example.org', '--robots',
                 os.path.join(SITE, 'robots.txt'), '--llm', url, '--model', 'fake',
                 'How many species of sea anemone live in the tide pools?'])
        out = r.stdout
        check(r.returncode == 1, 'rag --llm exits 1 when it had to repair credits', r.stderr)
        check('left out the credit of 1 source: appended' in r.stderr, 'rag says it repaired', r.stderr)
        check('Credit added by ccsig (the model\'s reply did not credit 1 source fully):\n'
              '[2] "North Coast Species Counts" (https://museum.example.org/data/README.md)' in out,
              'the missing credit is appended', out)
        check('forty species of sea anemone [1]' in out, 'the model\'s reply is kept', out)
        check(len(FakeModel.requests) == 1, 'one request to the model')
        path, req = FakeModel.requests[0]
        msgs = req.get('messages', [])
        check(req.get('model') == 'fake' and len(msgs) == 2 and msgs[0]['role'] == 'system',
              'the request is a chat completion with a system message', json.dumps(req))
        check('cite it by its marker' in msgs[0]['content'], 'the model is told to cite by marker')
        check('[1] "Tide Pools of the North Coast & Their Keepers"' in msgs[1]['content'] and
              'forty species' in msgs[1]['content'], 'the permitted sources are sent', msgs[1]['content'])
        check('harbour master' not in msgs[1]['content'].lower(),
              'a withheld source is never sent to the model', msgs[1]['content'])
    finally:
        srv.shutdown()
        srv.server_close()


def test_gateway(tmp):
    coll = os.path.join(tmp, 'coll')
    for rel in ('articles/tides.html', 'articles/lighthouse.html', 'closed/letters.html'):
        os.makedirs(os.path.dirname(os.path.join(coll, rel)), exist_ok=True)
        shutil.copy(os.path.join(SITE, rel), os.path.join(coll, rel))
    policy = os.path.join(tmp, 'policy.yaml')
    with open(policy, 'w') as f:
        f.write('collection:\n  name: Example Museum\n  credit: \'"{title}", {collection}, {url}\'\n'
                'party:\n  name: Example Museum\n  url: https://museum.example.org/\n'
                'preferences:\n  - path: /\n    ai-use: cr\n    search: allow\n'
                '  - path: /closed/\n    ai-use: deny\n')
    db = os.path.join(tmp, 'gw.db')
    proc = subprocess.Popen([CCSIG, 'serve', '--collection', coll, '--policy', policy, '--db',
                             'sqlite:' + db, '--listen', '127.0.0.1:0', '--public-url',
                             'https://museum.example.org', '--quiet'],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r'listening on (http://[^\s/]+)/', line)
        check(m is not None, 'the gateway starts', line + proc.stderr.read() if not m else '')
        if not m:
            return
        url = m.group(1)
        form = urllib.parse.urlencode({
            'kind': 'bulk', 'name': 'RAG test', 'contact': 'rag@test.example', 'use': 'ai-use',
            'commit-credit': 'yes', 'credit': 'Cite the museum with a link in every answer',
            'accept': 'yes'}).encode()
        rq = urllib.request.Request(url + '/register', data=form, headers={
            'Accept': 'application/json', 'Content-Type': 'application/x-www-form-urlencoded',
            'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'})
        with urllib.request.urlopen(rq, timeout=30) as resp:
            key = json.loads(resp.read())['key']
        r = run(['rag', '--gateway', url, '--key', key, 'tide pools'])
        out = r.stdout
        check(r.returncode == 0, 'rag --gateway exits 0', r.stderr)
        check('more than forty species of sea anemone' in out and '[1]' in out,
              'the gateway\'s snippet is quoted with a marker', out)
        # The gateway's hits carry the page's full credit (TASL: its
        # citation title, canonical address, author, copyright notice and
        # licence, read from its <head>), and when the policy was read.
        check(re.search(r'\[1\] "Tide Pools of the North Coast & Their Keepers" '
                        r'\(https://museum\.example\.org/articles/tides\) by Ada Okafor, from '
                        r'Example Museum \(https://museum\.example\.org/\), © 2025 Example Museum, '
                        r'licensed under CC BY 4\.0 \(https://creativecommons\.org/licenses/by/4\.0/\)\. '
                        r'\(credit asked, CC signal cc-cr; preference read '
                        r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)', out) is not None,
              'the reference names the work and the collection with their links', out)
        check('favourite place' not in out, 'the gateway withheld the denied page', out)
        check('The gateway withheld 1 more result that the profile may not use.' in out,
              'the withheld count is reported', out)
        r = run(['rag', '--gateway', url, '--key', 'ccsig_000000000000_' + 'A' * 43, 'tide'])
        check(r.returncode == 2 and 'HTTP 401' in r.stderr, 'a bad key is a usage error', r.stderr)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main():
    tmp = tempfile.mkdtemp(prefix='ccsig-rag-')
    try:
        test_warc(tmp)
        test_llm()
        test_gateway(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f'{len(failures)} failure(s):', file=sys.stderr)
        for f in failures:
            print('---', f, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
