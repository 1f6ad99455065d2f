"""`LaterFile`: a generated file whose content is made when MkDocs first reads it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from generator.laterfiles import LaterFile


class _Counted(Mapping[str, str | bytes]):
    def __init__(self, files: dict[str, str | bytes]) -> None:
        self.files, self.read = files, list[str]()

    def __getitem__(self, name: str) -> str | bytes:
        self.read.append(name)
        return self.files[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


def _config(site: Path) -> MkDocsConfig:
    config = MkDocsConfig()
    (site.parent / "docs").mkdir(exist_ok=True)
    config.load_dict({"site_name": "x", "site_dir": str(site),
                      "docs_dir": str(site.parent / "docs")})
    assert config.validate() == ([], [])
    config.plugins._current_plugin = "pmsite"  # (as in on_files, where the files are made)
    return config


def test_the_content_is_read_when_mkdocs_writes_the_file(tmp_path: Path) -> None:
    source = _Counted({"data/a.json": '{"a": "é"}\n', "data/b.csv": b"\xef\xbb\xbfa\r\n"})
    config = _config(tmp_path / "site")
    files = Files([LaterFile.later(config, name, source) for name in source])
    assert source.read == []  # (made, named, put in MkDocs' files: nothing read)
    assert [f.url for f in files] == ["data/a.json", "data/b.csv"]
    assert not any(f.is_documentation_page() for f in files)
    files.copy_static_files()
    assert sorted(source.read) == ["data/a.json", "data/b.csv"]
    assert (tmp_path / "site/data/a.json").read_text(encoding="utf-8") == '{"a": "é"}\n'
    assert (tmp_path / "site/data/b.csv").read_bytes() == b"\xef\xbb\xbfa\r\n"
    # Read once, then kept (and the mapping, which may hold a whole plan, let go):
    assert files.get_file_from_path("data/a.json").content_string == '{"a": "é"}\n'
    assert sorted(source.read) == ["data/a.json", "data/b.csv"]
    assert all(f._source is None for f in files if isinstance(f, LaterFile))


def test_content_set_by_a_plugin_wins_and_is_never_made(tmp_path: Path) -> None:
    source = _Counted({"x.txt": "made"})
    later = LaterFile.later(_config(tmp_path / "site"), "x.txt", source)
    later.content_string = "set"
    assert later.content_bytes == b"set" and source.read == []
    later.copy_file()
    assert (tmp_path / "site/x.txt").read_text(encoding="utf-8") == "set"
    plain = File.generated(_config(tmp_path / "site"), "x.txt", content="made")
    assert (later.src_uri, later.dest_uri, later.url) == (plain.src_uri, plain.dest_uri,
                                                          plain.url)
    assert later.generated_by == plain.generated_by


def test_a_file_never_written_settles_on_its_content_and_lets_its_source_go(
        tmp_path: Path) -> None:
    source = _Counted({"x.txt": "made"})
    later = LaterFile.later(_config(tmp_path / "site"), "x.txt", source)
    later.settle()
    assert source.read == ["x.txt"] and later._source is None
    later.settle()
    assert source.read == ["x.txt"] and later.content_string == "made"
