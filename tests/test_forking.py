"""Children forked from the worker's fork server (``mailbot.forking``): who their parent
is, what they share, how they end, and what happens without a fork server.

A fork server is started only by a process without threads, so each test runs a small
program in a fresh interpreter (``run_program``) and checks what it printed."""

from __future__ import annotations

import pytest

from tests.support.forked import run_program

pytestmark = [
    pytest.mark.integration,
    pytest.mark.database_incidental("starts processes, records nothing"),
]


def test_a_child_comes_from_the_fork_server_and_shares_its_memory() -> None:
    result = run_program("""
    held = bytes(range(256)) * (200 * 4096)  # 200 MiB made before the fork server: shared
    started = forking.start()
    connection, child = forking.start_child(forked.echo, ("a", 1), "mailbot-test", SPAWN)
    pid, parent, name, args = connection.recv()
    connection.send("hoi")
    echoed = connection.recv()
    memory, process = forking.start_child(forked.memory, (), "mailbot-test", SPAWN)
    rss, private = memory.recv()
    alive = child.is_alive()
    connection.close()
    child.join(10)
    print(json.dumps({
        "started": started, "server": forking.running(), "pid": pid, "child": child.pid,
        "parent": parent, "name": name, "args": args, "echoed": echoed, "alive": alive,
        "ended": not child.is_alive(), "code": child.exitcode, "rss": rss, "private": private,
    }))
    """)  # fmt: skip
    assert result["started"] is True
    assert result["pid"] == result["child"]
    assert result["parent"] == result["server"]  # not the worker: its fork server
    assert result["name"] == "mailbot-test"  # as ps and top show it
    assert result["args"] == ["a", 1]
    assert result["echoed"] == "hoi"
    assert result["alive"] is True
    assert result["ended"] is True  # its pipe closed: it ended, and the server said so
    assert result["code"] == 0
    assert result["rss"] > 200 * 1024  # the 200 MiB are mapped in the child ...
    assert result["private"] < 40 * 1024  # ... and shared with the worker, not copied


def test_threads_starting_children_at_once_each_get_their_own() -> None:
    result = run_program("""
    forking.start()
    pairs = []
    def start(number):
        for round in range(5):
            connection, child = forking.start_child(forked.echo, (number, round), "t", SPAWN)
            pid, parent, name, args = connection.recv()
            connection.send(f"{number}-{round}")
            pairs.append((pid == child.pid, args == (number, round),
                          connection.recv() == f"{number}-{round}"))
            connection.close()
            child.join(10)
    threads = [threading.Thread(target=start, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    print(json.dumps({"pairs": pairs}))
    """)  # fmt: skip
    assert result["pairs"] == [[True, True, True]] * 40


def test_exit_codes_kills_and_signals_as_multiprocessing_reports_them() -> None:
    result = run_program("""
    forking.start()
    codes = {}
    for code in (0, 3, -1, None):
        connection, child = forking.start_child(forked.ends, (code,), "mailbot-test", SPAWN)
        child.join(10)
        codes[str(code)] = child.exitcode
    connection, killed = forking.start_child(forked.echo, (), "mailbot-test", SPAWN)
    connection.recv()
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1):  # systemd's stop, kill
        os.kill(killed.pid, signum)  # ... left to the worker to act on
        os.kill(forking.running(), signum)
    time.sleep(0.3)
    after_term = killed.is_alive()
    killed.kill()
    killed.join(10)
    print(json.dumps({"codes": codes, "after_term": after_term,
                      "killed": killed.exitcode, "alive": killed.is_alive(),
                      "server": forking.running()}))
    killed.kill()  # ended: nothing happens
    """)  # fmt: skip
    assert result["codes"] == {"0": 0, "3": 3, "-1": 1, "None": 0}  # one that raised: 1
    assert result["after_term"] is True  # ignored by the child and the server
    assert result["killed"] == -9
    assert result["alive"] is False
    assert result["server"] is not None


def test_a_child_holds_no_descriptor_of_the_others_so_each_ends_with_its_pipe() -> None:
    result = run_program("""
    forking.start()
    first, one = forking.start_child(forked.echo, (), "mailbot-test", SPAWN)
    first.recv()
    looking, other = forking.start_child(forked.descriptors, (), "mailbot-test", SPAWN)
    fds = looking.recv()
    first.close()  # the first child's only other end is its own
    one.join(10)
    looking.send("done")
    other.join(10)
    print(json.dumps({"fds": fds, "first_ended": not one.is_alive(),
                      "codes": [one.exitcode, other.exitcode]}))
    """)  # fmt: skip
    # stdin, stdout, stderr, its pipe and the directory being listed: nothing else
    assert len(result["fds"]) == 5, result["fds"]
    assert result["first_ended"] is True
    assert result["codes"] == [0, 0]


def test_without_a_fork_server_children_start_from_the_fallback() -> None:
    result = run_program("""
    waiting = threading.Event()
    thread = threading.Thread(target=waiting.wait)
    thread.start()
    started = forking.start()  # a thread runs: forking now would be unsafe
    waiting.set()
    thread.join()
    connection, child = forking.start_child(forked.echo, (), "mailbot-test", SPAWN)
    pid, parent, name, args = connection.recv()
    connection.close()
    child.join(10)
    print(json.dumps({"started": started, "server": forking.running(), "parent": parent,
                      "me": os.getpid(), "code": child.exitcode}))
    """)  # fmt: skip
    assert result["started"] is False
    assert result["server"] is None
    assert result["parent"] == result["me"]  # spawned by this process, as before
    assert result["code"] == 0


def test_children_start_afresh_when_the_fork_server_is_gone() -> None:
    result = run_program("""
    import logging
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    forking.start()
    server = forking.running()
    os.kill(server, signal.SIGKILL)
    os.waitpid(server, 0)
    connection, child = forking.start_child(forked.echo, (), "mailbot-test", SPAWN)
    pid, parent, name, args = connection.recv()
    connection.close()
    child.join(10)
    print(json.dumps({"server": forking.running(), "parent": parent, "me": os.getpid(),
                      "code": child.exitcode}))
    """)  # fmt: skip
    assert result["server"] is None
    assert result["parent"] == result["me"]
    assert result["code"] == 0


def test_a_child_of_a_fork_server_that_died_is_seen_alive_until_it_ends() -> None:
    result = run_program("""
    forking.start()
    connection, child = forking.start_child(forked.echo, (), "mailbot-test", SPAWN)
    connection.recv()
    server = forking.running()
    os.kill(server, signal.SIGKILL)
    os.waitpid(server, 0)
    alive = child.is_alive()  # an orphan now: still reading its pipe
    connection.close()
    child.join(10)
    try:  # ended: gone, or a zombie until the system reaps it
        state = open(f"/proc/{child.pid}/stat").read().rpartition(")")[2].split()[0]
    except OSError:
        state = "gone"
    print(json.dumps({"alive": alive, "after": child.is_alive(), "code": child.exitcode,
                      "state": state}))
    """)  # fmt: skip
    assert result["alive"] is True  # not taken for dead (a second drafter would start)
    assert result["after"] is False
    assert result["code"] is None  # nobody could tell it
    assert result["state"] in ("gone", "Z", "X")


def test_a_fork_server_that_hangs_is_given_up_killed_and_reaped() -> None:
    result = run_program("""
    forking.ANSWER_WAIT = 0.5
    forking.start()
    server = forking.running()
    os.kill(server, signal.SIGSTOP)
    began = time.monotonic()
    connection, child = forking.start_child(forked.echo, (), "mailbot-test", SPAWN)
    pid, parent, name, args = connection.recv()
    took = time.monotonic() - began
    connection.close()
    child.join(10)
    print(json.dumps({"parent": parent, "me": os.getpid(), "took": took,
                      "server": forking.running(), "left": os.path.exists(f"/proc/{server}")}))
    """)  # fmt: skip
    assert result["parent"] == result["me"]  # started from the fallback
    assert result["took"] < 5
    assert result["server"] is None
    assert result["left"] is False  # killed and reaped: no zombie


def test_a_late_answer_of_a_fork_server_is_never_taken_for_another_request() -> None:
    result = run_program("""
    import logging
    class Slow(logging.Handler):  # the first asker is slow to give the fork server up
        def emit(self, record):
            time.sleep(1)
    logging.getLogger("mailbot.forking").addHandler(Slow())
    forking.ANSWER_WAIT = 0.5
    forking.start()
    server = forking.running()
    os.kill(server, signal.SIGSTOP)
    seen = []
    def start(delay):
        time.sleep(delay)
        connection, child = forking.start_child(forked.echo, (delay,), "mailbot-test", SPAWN)
        pid, parent, name, args = connection.recv()
        seen.append((pid == child.pid, parent == os.getpid(), args == (delay,)))
        connection.close()
        child.join(10)
    threads = [threading.Thread(target=start, args=(delay,)) for delay in (0, 0.2, 0.4)]
    for thread in threads:
        thread.start()
    time.sleep(0.7)
    with contextlib.suppress(ProcessLookupError):
        os.kill(server, signal.SIGCONT)  # (killed by then, unless a thread still waits)
    for thread in threads:
        thread.join(30)
    print(json.dumps({"seen": seen}))
    """)  # fmt: skip
    # each asker got its own child, started afresh once the server did not answer
    assert result["seen"] == [[True, True, True]] * 3


def test_readers_without_a_fork_server_do_not_hold_up_an_exit_without_close() -> None:
    result = run_program("""
    from mailbot.core.parsing import Limits
    from mailbot.service.readers import ChildProcesses
    from tests.support.mails import simple
    readers = ChildProcesses(1)  # multiprocessing's: it would SIGTERM them at exit and wait
    answer = readers.read(simple("Welke gegevens hebben jullie?"), Limits(), (), 30)
    print(json.dumps({"read": answer.problem == ""}))
    """, timeout=30)  # fmt: skip
    assert result["read"] is True


def test_the_fork_server_ends_with_its_worker() -> None:
    result = run_program("""
    forking.start()
    server = forking.running()
    connection, child = forking.start_child(forked.echo, (), "mailbot-test", SPAWN)
    connection.recv()
    forking.stop()  # as the worker's end: its socket closes
    gone = not os.path.exists(f"/proc/{server}")
    child_alive = child.is_alive()  # a child ends with its own pipe, not with the server
    connection.close()
    child.join(10)  # an orphan now: seen until it has ended
    print(json.dumps({"gone": gone, "child_ended": not child.is_alive(),
                      "started_again": forking.start()}))
    forking.stop()
    """)  # fmt: skip
    assert result["gone"] is True
    assert result["child_ended"] is True
    assert result["started_again"] is True
