"""The ctypes structures of ccsig._lib have the sizes and member offsets of
the installed headers: a C program compiled against PREFIX/include prints
them and every one is compared."""

from __future__ import annotations

import ctypes
import os
import subprocess

from ccsig import _lib

HEADERS = ["ccsig/ccsig.h", "ccsig/check.h"]


def test_struct_layouts_match_the_installed_headers(prefix, tmp_path):
    lines = ["#include <stdio.h>", "#include <stddef.h>"]
    lines += [f"#include <{h}>" for h in HEADERS]
    lines.append("int main(void) {")
    for cname, cls in _lib.STRUCTS.items():
        lines.append(f'    printf("{cname} %zu\\n", sizeof({cname}));')
        for fname, _ in cls._fields_:
            lines.append(f'    printf("{cname}.{fname} %zu\\n", offsetof({cname}, {fname}));')
    lines.append("    return 0;\n}")
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines) + "\n")
    exe = tmp_path / "layout"
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-std=c11", "-I", str(prefix / "include"), str(src), "-o", str(exe)], check=True)
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True, env=env).stdout
    c = dict(l.rsplit(" ", 1) for l in out.splitlines())
    py = {}
    for cname, cls in _lib.STRUCTS.items():
        py[cname] = str(ctypes.sizeof(cls))
        for fname, _ in cls._fields_:
            py[f"{cname}.{fname}"] = str(getattr(cls, fname).offset)
    wrong = {k: (py[k], c[k]) for k in c if py[k] != c[k]}
    assert not wrong, f"(ctypes, C) differ: {wrong}"
    assert len(c) == len(py) > 200


def test_the_package_tested_is_the_pip_installed_one():
    import ccsig

    where = os.environ.get("CCSIG_PACKAGE_DIR")
    assert where, "python/tests/run.sh sets CCSIG_PACKAGE_DIR"
    assert os.path.realpath(ccsig.__file__).startswith(os.path.realpath(where))
    assert ccsig.library_version() == ccsig.__version__
