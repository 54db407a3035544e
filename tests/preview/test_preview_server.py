"""The preview without a browser: a data file saved makes the statistics run again, shown stage by stage; the
server listens on 127.0.0.1 alone and answers only requests addressed to
it; the checker marks the very sentences `jdlspec check` refuses, with the same messages, and offers the
licensed sentences; `jdlspec check --serve` serves a published report's checker and stops with 130 on Ctrl-C."""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from serving import ROOT, at, interrupt, start, workspace

from engine.commands.check import check_documents
from engine.commands.documents import DocumentError
from engine.preview.checker import PASTE_LIMIT, check_paragraph
from engine.preview.live import LivePreview
from engine.preview.server import folder_licence, make_server
from engine.errors import UserError
from engine.run.pipeline import run_spec

PARAGRAPH = """Mentoring cut re-offending by 44%. The programme ran in four boroughs.
This proves the programme works. Participants re-offended less than the comparison group.
The analysis could not tell whether taking part changed how many people re-offend.

Participants took longer to re-offend. The programme had no effect on re-offending."""


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return run_spec(ROOT / "specs" / "lpt.yaml", tmp_path_factory.mktemp("report") / "lpt")


@pytest.fixture
def server(folder):
    licensed = folder_licence(folder)
    made = make_server(0, None, lambda: licensed)
    thread = threading.Thread(target=made.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield made
    made.shutdown()
    made.server_close()


def request(server, method: str, path: str, headers: dict | None = None, body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    keyed = {"Cookie": f"{server.cookie}={server.key}", **(headers or {})}
    connection.request(method, path, body=body, headers=keyed)
    answer = connection.getresponse()
    return answer.status, dict(answer.getheaders()), answer.read().decode("utf-8")


def test_the_checker_refuses_what_check_refuses_with_the_same_messages(folder, tmp_path):
    document = tmp_path / "press.txt"
    document.write_text(PARAGRAPH, encoding="utf-8")
    expected = [p.message for p in check_documents(folder, [document])]
    licensed = folder_licence(folder)
    verdicts = check_paragraph(PARAGRAPH, licensed.licence, licensed.quotations)
    assert [v.message for v in verdicts if v.refused] == expected and len(expected) == 5
    assert [(v.sentence, v.refused) for v in verdicts] == [
        ("Mentoring cut re-offending by 44%.", True), ("The programme ran in four boroughs.", False),
        ("This proves the programme works.", True),
        ("Participants re-offended less than the comparison group.", True),
        ("The analysis could not tell whether taking part changed how many people re-offend.", False),
        ("Participants took longer to re-offend.", True), ("The programme had no effect on re-offending.", True)]
    for verdict in (v for v in verdicts if v.refused):
        assert verdict.claims and verdict.rule and verdict.instead  # why, in the refusal's words; what to say
        said = f'; the results say: {verdict.results_say}' if verdict.results_say else ""
        offered = f'"{verdict.instead[0]}"' + (f' or, in plain words: "{verdict.instead[1]}"'
                                              if len(verdict.instead) > 1 else "")
        assert verdict.message == (f'"{verdict.sentence}" is {verdict.claims}{said}; you may say instead: '
                                   f"{offered} (rule: {verdict.rule})")
        for alternative in verdict.instead:  # each suggestion passes the checker itself
            assert not any(v.refused for v in check_paragraph(alternative, licensed.licence))


def test_the_reports_own_cannot_say_lines_are_quotations_only_as_the_report_shows_them(folder):
    licensed = folder_licence(folder)
    assert len(licensed.quotations) == 2
    quotation = licensed.quotations[0]
    assert not any(v.refused for v in check_paragraph(f'✗ "{quotation}"', licensed.licence, licensed.quotations))
    assert check_paragraph(quotation, licensed.licence, licensed.quotations)[0].refused


def test_a_paste_too_long_is_refused_in_one_line(folder):
    with pytest.raises(DocumentError, match="more than 100,000 characters"):
        check_paragraph("x" * (PASTE_LIMIT + 1), folder_licence(folder).licence)


def test_only_this_computer_can_connect(server):
    assert server.server_address[0] == "127.0.0.1"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:  # this machine's address on its network
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: the system only picks the route
            address = probe.getsockname()[0]
        except OSError:
            address = None
    if address and not address.startswith("127."):
        with pytest.raises(OSError):
            socket.create_connection((address, server.port), timeout=5).close()


def test_only_requests_addressed_to_it_are_answered(server):
    status, _, body = request(server, "GET", "/check", {"Host": f"attacker.example:{server.port}"})
    assert status == 421 and body == f"Open http://127.0.0.1:{server.port}/ by the address jdlspec printed"
    assert server.key not in body  # a page on a re-pointed name can read this answer: never the key
    status, headers, body = request(server, "GET", "/check")  # http.client sends Host: 127.0.0.1:port
    assert status == 200 and "Check a paragraph against" in body
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    form = urllib.parse.urlencode({"text": "Mentoring cut re-offending by 44%."})
    kind = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, _ = request(server, "POST", "/check", {**kind, "Origin": "http://attacker.example"}, form)
    assert status == 403
    status, _, body = request(server, "POST", "/check", {**kind, "Origin": f"http://127.0.0.1:{server.port}"}, form)
    assert status == 200 and '<li class="refused">' in body and "rule no-relative-effect" in body
    assert request(server, "GET", "/")[0] == 303  # check --serve: the checker alone
    assert request(server, "GET", "/report")[0] == 404


def test_another_user_of_this_computer_without_the_key_is_refused(server):
    """127.0.0.1 is open to everyone logged in to the computer: the printed address's key is what admits."""
    assert server.url == f"http://127.0.0.1:{server.port}/?token={server.key}" and len(server.key) >= 32
    for path in ("/", "/check", "/report", "/state", "/events", "/page.css"):
        for cookie in ({}, {"Cookie": f"{server.cookie}=guess"}, {"Cookie": f"jdlspec-1={server.key}"}):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            connection.request("GET", path, headers=cookie)
            answer = connection.getresponse()
            assert answer.status == 403 and b"printed in its terminal" in answer.read()
    form = urllib.parse.urlencode({"text": "It ran in London."})
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.request("POST", "/check", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert connection.getresponse().status == 403


def test_the_printed_address_gives_its_key_as_a_cookie_and_leaves_it_out_of_the_address(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.request("GET", f"/check?token={server.key}")
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 303 and answer.getheader("Location") == "/check"
    assert answer.getheader("Set-Cookie") == (f"jdlspec-{server.port}={server.key}; Path=/; HttpOnly; "
                                              "SameSite=Strict")
    status, _, body = request(server, "GET", "/check")  # the cookie, as the browser sends it on
    assert status == 200 and "Check a paragraph against" in body


def test_a_client_that_never_sends_its_form_is_let_go(server, monkeypatch):
    from engine.preview import server as serving

    monkeypatch.setattr(serving.Handler, "timeout", 0.5)
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(f"POST /check HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                           f"Cookie: {server.cookie}={server.key}\r\nContent-Length: 100\r\n\r\n".encode("ascii"))
        assert connection.recv(100) == b""  # closed by the server, not held open for ever
    assert request(server, "GET", "/check")[0] == 200  # and the server still answers


def test_a_bad_form_length_or_a_closed_page_prints_no_traceback(server, capsys):
    for length in ("abc", "-5", "1e3"):
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
            connection.sendall(f"POST /check HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                               f"Cookie: {server.cookie}={server.key}\r\n"
                               f"Content-Length: {length}\r\n\r\n".encode("ascii"))
            assert connection.recv(100).startswith(b"HTTP/1.0 400 Bad Request")
    status, _, body = request(server, "POST", "/check", {"Content-Length": "400001"}, "")
    assert status == 413
    for error in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset"), ValueError("a bug")):
        try:
            raise error
        except Exception:  # noqa: BLE001 - as socketserver calls handle_error, inside its except
            server.handle_error(None, ("127.0.0.1", 1))
    printed = capsys.readouterr().err
    assert "ValueError: a bug" in printed and "Broken pipe" not in printed and "reset" not in printed
    assert printed.count("Traceback") == 1


def test_a_port_in_use_is_refused_in_one_line(server):
    with pytest.raises(UserError) as refused:
        make_server(server.port, None, lambda: "none")
    assert str(refused.value.problems[0]).startswith(f"--port: port {server.port} on 127.0.0.1 is in use")


def test_check_serve_is_the_program_and_ctrl_c_ends_it_with_130(folder, tmp_path):
    process, url = start(tmp_path, "check", str(folder), "--serve")
    form = urllib.parse.urlencode({"text": "This proves the programme works. It ran in London."}).encode()
    with urllib.request.urlopen(urllib.request.Request(at(url, "check"), data=form), timeout=60) as answer:
        page = answer.read().decode("utf-8")
    assert page.count('<li class="refused">') == 1 and page.count('<li class="fine">') == 1
    code, err = interrupt(process)
    assert code == 130, err
    assert not list(tmp_path.iterdir())  # nothing written


class Recorded(LivePreview):
    """A preview that keeps every stage it shows."""

    def __init__(self, spec: Path):
        super().__init__(spec, lambda details: pytest.fail(details))
        self.shown: list[str] = []

    def update(self, **values) -> None:
        if "busy" in values:
            self.shown.append(values["busy"])
        super().update(**values)

    def next_report(self, after: int) -> dict:
        version, state = -1, {}
        for _ in range(240):  # up to 20 minutes on a machine too busy to notice
            state = self.wait(version, 5)
            version = state["version"]
            if state["report"] > after and not state["busy"]:
                return state
        pytest.fail(f"no new report: {state}")


def test_a_saved_data_file_runs_the_statistics_again_showing_each_stage(tmp_path, monkeypatch):
    monkeypatch.setenv("JDLSPEC_CACHE_DIR", str(tmp_path / "cache"))  # nothing cached: the statistics run
    spec = workspace(tmp_path)
    live = Recorded(spec)
    live.start()
    try:
        assert live.next_report(0)["problems"] == []
        assert b"77 records were submitted" in live.state.report.html
        assert {"linking and exclusions", "analysis National", "analysis Regional"} <= set(live.shown)
        live.shown.clear()
        submission = tmp_path / "data" / "lpt_submission.csv"
        rows = submission.read_text(encoding="utf-8").splitlines()
        submission.write_text("\n".join(rows + rows[-1:]) + "\n", encoding="utf-8")  # one record twice
        live.next_report(1)
        assert b"78 records were submitted" in live.state.report.html
        assert "analysis National" in live.shown  # not from the cache: the data changed
    finally:
        live.stop()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "data", "lpt.yaml"]  # no report folder


def test_check_needs_files_or_serve_and_not_both(folder, tmp_path):
    from typer.testing import CliRunner

    from engine.cli import app

    alone = CliRunner().invoke(app, ["check", str(folder)])
    assert alone.exit_code == 1
    assert alone.output.splitlines()[0] == ("jdlspec check: give the documents to check after the report folder, or "
                                            "--serve for a page to paste them into")
    (tmp_path / "press.txt").write_text("It ran in London.\n", encoding="utf-8")
    both = CliRunner().invoke(app, ["check", str(folder), str(tmp_path / "press.txt"), "--serve"])
    assert both.exit_code == 1 and both.output.startswith("--serve: takes the report folder alone")
    nowhere = CliRunner().invoke(app, ["check", str(tmp_path / "missing"), "--serve", "--no-browser"])
    assert nowhere.exit_code == 1 and "no results.json here" in nowhere.output
