"""Two app processes writing the same static/cache/ files at once (several processes behind
HAProxy share the folder): every file anyone can read is whole and holds exactly the content its
name says, and a process's publish never fails because the other one wrote or pruned first."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import types
from pathlib import Path

from stationmap import config
from stationmap.map import static_cache

WRITERS = 2
ROUNDS = 20
# A few hundred kB: a read takes long enough to overlap a rename now and then.
PAYLOAD_ITEMS = 5_000
BARRIER_TIMEOUT_S = 60


def payload(round_number: int) -> list:
    """The value published in a round: the same for every writer, different in each round."""
    return [[round_number, index, "广州市公安局 site"] for index in range(PAYLOAD_ITEMS)]


def write_rounds(directory: str, barriers, keep_bytes: int | None, urls) -> None:
    """One app process: publish each round's value the moment the other writer does.

    Each writer renames its finished file into place only once the other has written its own
    too: every round, both really write the same file at once, the case to prove.
    """
    barrier, rename_together = barriers
    if keep_bytes is not None:
        static_cache.KEEP_BYTES = keep_bytes
    replace = os.replace

    def replace_together(source, target):
        rename_together.wait(BARRIER_TIMEOUT_S)
        replace(source, target)

    # This child process's own os module: the other writer and the test are not touched.
    os.replace = replace_together
    for round_number in range(ROUNDS):
        value = payload(round_number)
        barrier.wait(BARRIER_TIMEOUT_S)  # both start writing this round's file together
        urls.append(static_cache.publish_json(value, prefix="sites", directory=Path(directory)))


def name_matches_content(path: Path) -> bool | None:
    """Whether the bytes in `path` hash to its name; None if it vanished while being read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:  # pruned meanwhile
        return None
    digest = path.stem.rsplit("-", 1)[1]
    return hashlib.sha256(data).hexdigest()[: static_cache.HASH_CHARS] == digest


def race(directory: Path, keep_bytes: int | None = None) -> tuple[list[str], int]:
    """Run two writer processes; meanwhile read every file as soon as it appears.

    Returns every URL the writers were given and how many reads were checked.
    """
    context = multiprocessing.get_context("spawn")
    # A spawned child first re-runs the parent's __main__. After an AppTest in this process,
    # __main__ is the last page script Streamlit ran, and a child running that dies before it
    # can talk back (EOFError): the children get an empty __main__ instead.
    saved_main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        return _race(context, directory, keep_bytes)
    finally:
        sys.modules["__main__"] = saved_main


def _race(context, directory: Path, keep_bytes: int | None) -> tuple[list[str], int]:
    barriers = (context.Barrier(WRITERS), context.Barrier(WRITERS))
    with context.Manager() as manager:
        urls = manager.list()
        writers = [
            context.Process(target=write_rounds, args=(str(directory), barriers, keep_bytes, urls))
            for _ in range(WRITERS)
        ]
        for writer in writers:
            writer.start()
        checked = 0
        # Read while they write: a reader (a browser) must never see half a file.
        while any(writer.is_alive() for writer in writers):
            for path in directory.glob("*.json"):
                whole = name_matches_content(path)
                assert whole is not False, f"{path.name} does not hold what its name says"
                checked += whole is True
        for writer in writers:
            writer.join(BARRIER_TIMEOUT_S)
            assert writer.exitcode == 0, "a writer failed (see its traceback above)"
        return list(urls), checked


def test_two_processes_publishing_the_same_files_at_once_leave_them_whole(tmp_path: Path):
    urls, checked = race(tmp_path)

    assert checked > 0
    expected = {
        static_cache.publish_json(payload(n), prefix="sites", directory=tmp_path / "alone")
        for n in range(ROUNDS)
    }
    # Both writers were given the URL a lone writer gets, for every round.
    assert len(urls) == WRITERS * ROUNDS and set(urls) == expected
    for url in expected:
        path = tmp_path / url.removeprefix(config.STATIC_CACHE_URL_PREFIX)
        assert path.read_bytes() == (tmp_path / "alone" / path.name).read_bytes()
    # Nothing half-written is left behind.
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".json") == ["alone"]


def test_publishing_never_fails_while_the_other_process_prunes(tmp_path: Path):
    # A budget of about two files: each writer prunes, at once, files the other is publishing.
    one_file = len(static_cache.encode(payload(0)))
    urls, _checked = race(tmp_path, keep_bytes=2 * one_file)

    assert len(urls) == WRITERS * ROUNDS
    left = list(tmp_path.glob("*.json"))
    assert left and all(name_matches_content(path) for path in left)
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".json"] == []
