"""``abr eval`` against a real OpenAI-compatible HTTP server on loopback, scripted per prompt: right and wrong
answers, reasoning blocks, 429s, 500s, slow replies, over-length refusals, truncation, a killed-and-resumed run,
cache separation by model and parameters, the API key, several base URLs and the LLM judge."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from abr.cli import main
from helpers import generate, records

pytest.importorskip("httpx")

KEY = "sk-test-4f9c2e-never-written-anywhere"
OVER_LENGTH_MESSAGE = ("This model's maximum context length is 2048 tokens. However, you requested 2300 tokens "
                       "(1300 in the messages, 1000 in the completion). Please reduce the length of the messages or "
                       "completion.")


class Reply:
    """What the server does for one prompt, attempt by attempt."""

    def __init__(self, status: int = 200, content: str = "", finish: str = "stop", delay: float = 0.0,
                 reasoning: str | None = None, headers: dict[str, str] | None = None,
                 error: str = "server error") -> None:
        self.status, self.content, self.finish, self.delay = status, content, finish, delay
        self.reasoning, self.headers, self.error = reasoning, headers or {}, error


Script = Callable[[dict[str, Any], int], Reply]


class LoopbackServer:
    """An OpenAI-compatible /v1/chat/completions on 127.0.0.1 in a thread; counts requests per prompt."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.counts: Counter[str] = Counter()
        self.auth: set[str] = set()
        self.lock = threading.Lock()
        self.gate = threading.Event()
        self.gate.set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                prompt = body["messages"][-1]["content"]
                with server.lock:
                    attempt = server.counts[prompt]
                    server.counts[prompt] += 1
                    server.auth.add(self.headers.get("Authorization", ""))
                server.gate.wait()
                reply = server.script(body, attempt)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status == 200:
                    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
                    if reply.reasoning is not None:
                        message["reasoning_content"] = reply.reasoning
                    data: dict[str, Any] = {
                        "id": "x", "object": "chat.completion", "model": body["model"],
                        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish}],
                        "usage": {"prompt_tokens": 1000 + len(prompt) // 100, "completion_tokens": 7,
                                  "total_tokens": 1007 + len(prompt) // 100}}
                else:
                    data = {"object": "error", "message": reply.error, "type": "BadRequestError", "code": reply.status}
                raw = json.dumps(data).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that hung up (timeouts, a cancelled run) is part of the script

        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def close(self) -> None:
        self.gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[[Script], LoopbackServer]]:
    servers: list[LoopbackServer] = []

    def start(script: Script) -> LoopbackServer:
        servers.append(LoopbackServer(script))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    path = tmp_path_factory.mktemp("data") / "d.jsonl"
    generate(path, "-n", "20", "--length", "1k,2k", "--depth", "0.2,0.8", "--seed", "5")
    return path, records(path)


def by_prompt(recs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["prompt"]: r for r in recs}


def wrong(record: dict[str, Any]) -> str:
    return str(int(record["answer"]) + 1)


def answering(recs: list[dict[str, Any]], answer: Callable[[dict[str, Any], dict[str, Any]], str],
              delay: float = 0.0) -> Script:
    """A server script that answers every prompt with ``answer(record, request body)``."""
    prompts = by_prompt(recs)

    def script(body: dict[str, Any], attempt: int) -> Reply:
        return Reply(content=f"Answer: {answer(prompts[body['messages'][-1]['content']], body)}", delay=delay)

    return script


# behaviour per record index, and the verdict it must get
BEHAVIOURS: list[tuple[str, str]] = [
    ("right", "correct"),
    ("wrong", "wrong"),
    ("think-then-right", "correct"),        # a decoy answer inside <think> must not be graded
    ("think-then-wrong", "wrong"),          # the right answer inside <think> must not be graded
    ("reasoning-field", "wrong"),           # the server's separate reasoning holds the gold; content is wrong
    ("429-then-right", "correct"),
    ("500-twice-then-right", "correct"),
    ("500-always", "error"),
    ("slow-right", "correct"),
    ("too-slow", "error"),
    ("over-length", "over-length"),
    ("truncated", "truncated"),
    ("empty", "no-answer"),
    ("unclosed-think", "no-answer"),
    ("markdown-right", "correct"),
    ("right", "correct"),
    ("wrong", "wrong"),
    ("400-other", "error"),
    ("right", "correct"),
    ("right", "correct"),
]


def scripted(recs: list[dict[str, Any]]) -> Script:
    prompts = by_prompt(recs)
    index = {r["prompt"]: i for i, r in enumerate(recs)}

    def script(body: dict[str, Any], attempt: int) -> Reply:
        prompt = body["messages"][-1]["content"]
        rec = prompts[prompt]
        gold, bad = rec["answer"], wrong(rec)
        kind = BEHAVIOURS[index[prompt]][0]
        if kind == "right":
            return Reply(content=f"The anchor is there.\nAnswer: {gold}")
        if kind == "wrong":
            return Reply(content=f"Answer: {bad}")
        if kind == "think-then-right":
            return Reply(content=f"<think>Maybe the answer is {bad}.\nAnswer: {bad}</think>\nAnswer: {gold}")
        if kind == "think-then-wrong":
            return Reply(content=f"<think>Answer: {gold}</think>\nAnswer: {bad}")
        if kind == "reasoning-field":
            return Reply(content=f"Answer: {bad}", reasoning=f"Answer: {gold}")
        if kind == "429-then-right":
            return Reply(status=429, error="rate limited", headers={"Retry-After": "0"}) if attempt == 0 else \
                Reply(content=f"Answer: {gold}")
        if kind == "500-twice-then-right":
            return Reply(status=500) if attempt < 2 else Reply(content=f"Answer: {gold}")
        if kind == "500-always":
            return Reply(status=503, error="overloaded")
        if kind == "slow-right":
            return Reply(content=f"Answer: {gold}", delay=0.3)
        if kind == "too-slow":
            return Reply(content=f"Answer: {gold}", delay=2.6)
        if kind == "over-length":
            return Reply(status=400, error=OVER_LENGTH_MESSAGE)
        if kind == "truncated":
            return Reply(content=f"Let me think about {gold}, then", finish="length")
        if kind == "empty":
            return Reply(content="")
        if kind == "unclosed-think":
            return Reply(content=f"<think>The answer is {gold} because", finish="stop")
        if kind == "markdown-right":
            return Reply(content=f"**Final answer:** {gold}")
        if kind == "400-other":
            return Reply(status=400, error="temperature must be non-negative")
        raise AssertionError(kind)

    return script


def run_eval(data: Path, url: str, out: Path, *extra: str, model: str = "m1") -> int:
    return main(["eval", str(data), "--model", f"openai:{model}@{url}", "-o", str(out), "-q", "--backoff", "0.01",
                 "--retries", "2", "--timeout", "2", "--max-tokens", "64", *extra])


def report_json(capsys: pytest.CaptureFixture[str], *runs: Path) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["report", *map(str, runs), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_accuracy_and_every_failure_mode(dataset: tuple[Path, list[dict[str, Any]]], tmp_path: Path,
                                         serve: Callable[[Script], LoopbackServer],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    data, recs = dataset
    server = serve(scripted(recs))
    assert run_eval(data, server.url, tmp_path / "run", "--concurrency", "8") == 0
    expected = {r["id"]: BEHAVIOURS[i][1] for i, r in enumerate(recs)}
    exported = records(tmp_path / "run" / "samples.jsonl")
    assert {e["record_id"]: e["verdict"] for e in exported} == expected
    rep = report_json(capsys, tmp_path / "run")
    (run,) = rep["runs"]
    want = Counter(expected.values())
    assert run["verdicts"] == {v: want.get(v, 0) for v in run["verdicts"]}
    correct, counted = want["correct"], want["correct"] + want["wrong"]
    assert run["accuracy"]["overall"] == round(correct / counted, 6) == round(9 / 13, 6)
    assert run["accuracy"]["n"] == 13 and run["accuracy"]["per_skill"]["abr/niah"]["correct"] == 9
    lo, hi = run["accuracy"]["ci95"]
    assert (round(lo, 4), round(hi, 4)) == (0.4237, 0.8732)  # Wilson 95% for 9 of 13
    # retries: the 429 and 500s were retried, 503-always gave up after 1 + 2 retries, 400-other not retried
    attempts = {recs[i]["prompt"]: server.counts[recs[i]["prompt"]] for i in range(len(recs))}
    kinds = {BEHAVIOURS[i][0]: attempts[recs[i]["prompt"]] for i in range(len(recs))}
    assert kinds["429-then-right"] == 2 and kinds["500-twice-then-right"] == 3 and kinds["500-always"] == 3
    assert kinds["400-other"] == 1 and kinds["over-length"] == 1 and kinds["too-slow"] == 3
    rows = {e["record_id"]: e for e in exported}
    by_kind = {BEHAVIOURS[i][0]: rows[r["id"]] for i, r in enumerate(recs)}
    assert "maximum context length" in by_kind["over-length"]["note"]
    assert "HTTP 503" in by_kind["500-always"]["error"] and "gave up after 3 attempts" in by_kind["500-always"]["error"]
    assert "timed out" in by_kind["too-slow"]["error"]
    assert by_kind["reasoning-field"]["reasoning"] == f"Answer: {recs[4]['answer']}"
    assert by_kind["think-then-right"]["extracted"] == recs[2]["answer"]
    assert by_kind["unclosed-think"]["note"] == "unclosed-think"
    assert by_kind["right"]["prompt_tokens"] > 1000 and by_kind["right"]["completion_tokens"] == 7
    assert by_kind["slow-right"]["latency_s"] >= 0.3
    # strict mode counts the failures as wrong
    capsys.readouterr()
    assert main(["report", str(tmp_path / "run"), "--json", "--strict"]) == 0
    strict = json.loads(capsys.readouterr().out)["runs"][0]["accuracy"]
    assert strict["n"] == 20 and strict["overall"] == round(9 / 20, 6)


def test_rerun_sends_nothing_and_errors_are_retried(dataset: tuple[Path, list[dict[str, Any]]], tmp_path: Path,
                                                    serve: Callable[[Script], LoopbackServer]) -> None:
    data, recs = dataset
    server = serve(scripted(recs))
    assert run_eval(data, server.url, tmp_path / "run", "--concurrency", "8") == 0
    first = Counter(server.counts)
    assert run_eval(data, server.url, tmp_path / "run", "--concurrency", "8") == 0
    again = server.counts - first
    # only the requests that ended in an error are sent again (an error is not a finished answer)
    errored = {recs[i]["prompt"] for i, (_, v) in enumerate(BEHAVIOURS) if v == "error"}
    assert set(again) == errored and len(errored) == 3
    assert sum(again.values()) == 3 + 3 + 1  # 503-always and too-slow with their retries, 400-other once


def test_killed_run_resumes_without_repeating_finished_requests(dataset: tuple[Path, list[dict[str, Any]]],
                                                                tmp_path: Path,
                                                                serve: Callable[[Script], LoopbackServer]) -> None:
    data, recs = dataset
    server = serve(answering(recs, lambda rec, body: rec["answer"]))
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "abr.cli", "eval", str(data), "--model", f"openai:m1@{server.url}", "-o", str(out),
           "-q", "--concurrency", "2"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ABR_")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while server.total < 9 and time.time() < deadline:
        time.sleep(0.01)
    server.gate.clear()  # later requests hang: the run is mid-way with requests in flight
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with sqlite3.connect(out / "responses.sqlite") as db:
        stored = {row[0] for row in db.execute("SELECT record_id FROM responses")}
    assert 5 <= len(stored) < len(recs)
    assert not (out / "samples.jsonl").exists()  # written only at the end
    server.gate.set()
    before = Counter(server.counts)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    resent = server.counts - before
    ids = {r["prompt"]: r["id"] for r in recs}
    assert not {ids[p] for p in resent} & stored  # nothing that was stored is requested again
    assert {ids[p] for p in resent} | stored == {r["id"] for r in recs}  # and nothing is lost
    exported = records(out / "samples.jsonl")
    assert len(exported) == len(recs) and all(e["verdict"] == "correct" for e in exported)


def test_other_model_or_parameters_never_hit_the_cache(dataset: tuple[Path, list[dict[str, Any]]], tmp_path: Path,
                                                       serve: Callable[[Script], LoopbackServer],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    data, recs = dataset
    server = serve(answering(recs, lambda rec, body: rec["answer"] if body["model"] == "good" else wrong(rec)))
    out = tmp_path / "run"
    n = len(recs)
    assert run_eval(data, server.url, out, model="good", ) == 0 and server.total == n
    assert run_eval(data, server.url, out, model="bad") == 0 and server.total == 2 * n
    assert run_eval(data, server.url, out, "--temperature", "0.7", model="good") == 0 and server.total == 3 * n
    assert run_eval(data, server.url, out, "--system-prompt", "Be brief.", model="good") == 0
    assert server.total == 4 * n
    assert run_eval(data, server.url, out, "--samples-per-prompt", "2", model="good") == 0
    assert server.total == 5 * n  # sample 0 is reused, sample 1 is new
    assert run_eval(data, server.url, out, model="good") == 0 and server.total == 5 * n
    rep = report_json(capsys, out)
    accuracy = {r["label"]: r["accuracy"]["overall"] for r in rep["runs"]}
    assert len(rep["runs"]) == len(accuracy) == 4  # good, bad, good at 0.7, good with a system prompt
    assert accuracy[f"openai:bad@{server.url}"] == 0.0
    assert sorted(accuracy.values()) == [0.0, 1.0, 1.0, 1.0]
    assert {r["samples"] for r in rep["runs"]} == {n, 2 * n}


def test_api_key_is_sent_and_never_written(dataset: tuple[Path, list[dict[str, Any]]], tmp_path: Path,
                                           serve: Callable[[Script], LoopbackServer],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ = dataset
    server = serve(lambda body, attempt: Reply(content="Answer: 1"))
    monkeypatch.setenv("MY_KEY", KEY)
    out = tmp_path / "run"
    assert run_eval(data, server.url, out, "--api-key-env", "MY_KEY") == 0
    assert server.auth == {f"Bearer {KEY}"}
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"responses.sqlite", "run.json", "samples.jsonl"}
    for p in files:
        assert KEY.encode() not in p.read_bytes(), p


def test_several_base_urls_share_the_load(dataset: tuple[Path, list[dict[str, Any]]], tmp_path: Path,
                                          serve: Callable[[Script], LoopbackServer]) -> None:
    data, recs = dataset
    script = answering(recs, lambda rec, body: rec["answer"], delay=0.05)
    a, b = serve(script), serve(script)
    assert run_eval(data, f"{a.url},{b.url}", tmp_path / "run", "--concurrency", "4") == 0
    assert a.total + b.total == len(recs) and a.total >= 4 and b.total >= 4
    exported = records(tmp_path / "run" / "samples.jsonl")
    assert all(e["verdict"] == "correct" for e in exported)


def test_fatal_statuses_stop_the_run_with_one_line(dataset: tuple[Path, list[dict[str, Any]]], tmp_path: Path,
                                                   serve: Callable[[Script], LoopbackServer],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data, _ = dataset
    server = serve(lambda body, attempt: Reply(status=401, error="invalid api key"))
    assert run_eval(data, server.url, tmp_path / "run") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "HTTP 401" in err and "OPENAI_API_KEY" in err
    assert server.total <= 32  # stopped at once, not once per record and retry


@pytest.mark.parametrize(("spec", "message"), [
    ("openai:m1", "use openai:MODEL@BASE_URL"),
    ("openai:m1@ftp://x", "use openai:MODEL@BASE_URL"),
    ("openai:m1@http://user:pw@host/v1", "must not carry credentials"),
    ("nosuch:thing", "unknown model backend 'nosuch'"),
    ("baseline:psychic", "unknown baseline 'psychic'"),
    ("hf:/no/such/folder", "no such model folder"),
    ("oracle", "use SCHEME:ARGUMENT"),
])
def test_bad_model_specs(dataset: tuple[Path, list[dict[str, Any]]], tmp_path: Path, spec: str, message: str,
                         capsys: pytest.CaptureFixture[str]) -> None:
    data, _ = dataset
    capsys.readouterr()
    assert main(["eval", str(data), "--model", spec, "-o", str(tmp_path / "run"), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("abr: error: ") and message in err and err.count("\n") == 1


def test_judge_grades_only_unparseable_answers_and_is_cached(dataset: tuple[Path, list[dict[str, Any]]],
                                                             tmp_path: Path,
                                                             serve: Callable[[Script], LoopbackServer]) -> None:
    data, recs = dataset
    prompts = by_prompt(recs)
    judged: list[str] = []

    def script(body: dict[str, Any], attempt: int) -> Reply:
        content = body["messages"][-1]["content"]
        if body["model"] == "judge":
            judged.append(content)
            assert "<document" not in content  # the judge never sees the long context
            if "forty-two" in content:
                return Reply(content="INCORRECT")
            if "no idea" in content:
                return Reply(content="Hmm, hard to say.")
            return Reply(content="<think>it says CORRECT? no</think>The verdict: CORRECT")
        rec = prompts[content]
        i = recs.index(rec)
        if i % 4 == 0:
            return Reply(content=f"Answer: {rec['answer']}")
        if i % 4 == 1:
            return Reply(content=f"Answer: {wrong(rec)}")  # parseable and wrong: the judge is not asked
        if i % 4 == 2:
            return Reply(content=f"<think>Answer: {rec['answer']}</think>Answer: the number {rec['answer']}, I think")
        return Reply(content="Answer: forty-two" if i % 8 == 3 else "Answer: no idea")

    server = serve(script)
    out = tmp_path / "run"
    args = ("--judge", f"openai:judge@{server.url}")
    assert run_eval(data, server.url, out, *args) == 0
    exported = {e["record_id"]: e for e in records(out / "samples.jsonl")}
    for i, rec in enumerate(recs):
        e = exported[rec["id"]]
        expected = ["correct", "wrong", "correct", "wrong" if i % 8 == 3 else "unscored"][i % 4]
        assert e["verdict"] == expected, (i, e)
        if i % 4 in (2, 3):
            assert e["note"].startswith(("judged by openai:judge@", "judge reply not understood"))
    assert len(judged) == 10
    assert all("<think>" not in j for j in judged)
    calls = server.total
    # a rerun without the judge rescoring nothing new... and with the judge again: all cached, nothing sent
    assert run_eval(data, server.url, out, *args) == 0 and server.total == calls
    # without the judge the same responses are rescored (no request): unparseable answers become wrong
    assert run_eval(data, server.url, out) == 0 and server.total == calls
    exported = {e["record_id"]: e for e in records(out / "samples.jsonl")}
    assert {exported[r["id"]]["verdict"] for i, r in enumerate(recs) if i % 4 in (2, 3)} == {"wrong"}
