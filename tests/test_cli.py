"""The command line: listings, show, verify, and one-line errors with exit 2 and no output for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from abr.cli import main
from conftest import run_cli
from helpers import generate, records, write_records


def test_list_skills_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list-skills", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == ["abr/niah", "abr/anti-interference", "abr/multi-source", "abr/logic",
                                         "abr/calc-reason", "abr/multi-hop"]
    niah = next(r for r in rows if r["name"] == "abr/niah")
    assert niah["version"] == 2 and niah["plugin"] == "abr" and niah["dist"] == "abr"
    knobs = {k["name"]: k for k in niah["knobs"]}
    assert knobs["variant"]["choices"] == ["single", "distributed"]
    assert knobs["pairs"]["range"] == [2, 64] and knobs["pairs"]["default"] == 4


def test_list_skills_table(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["list-skills"]) == 0
    out = capsys.readouterr().out
    assert "abr/niah" in out and "variant=distributed [single|distributed]" in out
    assert "abr/multi-hop" in out and "hops=3 [1..8]" in out and "band=0.8-0.95 [0.0..0.99]" in out


def test_plugins_json_lists_the_builtin_plugin(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    builtin = next(r for r in rows if r["name"] == "abr")
    assert builtin["status"] == "ok" and builtin["dist"] == "abr" and builtin["problem"] == ""
    assert {"abr/niah", "abr/procedural", "abr/random-id", "abr/arithmetic", "abr/numeric",
            "abr/near-duplicate"} <= set(builtin["provides"])


def test_components_lists_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["components", "--json"]) == 0
    kinds = {(r["kind"], r["name"]) for r in json.loads(capsys.readouterr().out)}
    assert ("haystack_source", "abr/procedural") in kinds and ("answer_checker", "abr/numeric") in kinds


def test_light_commands_import_no_heavy_modules() -> None:
    code = ("import sys; from abr.cli import main; main(['list-skills', '--json']); "
            "print(sorted(m for m in ('numpy', 'torch', 'transformers', 'trl', 'vllm', 'tokenizers', 'faker', "
            "'jsonschema') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_show_renders_a_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate(tmp_path / "s.jsonl", "-n", "2", "--length", "1k")
    rec = records(tmp_path / "s.jsonl")[1]
    capsys.readouterr()
    assert main(["show", str(tmp_path / "s.jsonl"), "--index", "1"]) == 0
    out = capsys.readouterr().out
    target = next(p for d in rec["blueprint"]["documents"] for p in d["pairs"] if p["role"] == "target")
    assert rec["blueprint"]["anchors"][target["anchor"]] in out
    assert rec["program_text"] in out and f"{rec['answer']}  (integer)" in out
    assert main(["show", str(tmp_path / "s.jsonl"), "--index", "7"]) == 2


def test_verify_reports_each_bad_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "v.jsonl"
    generate(path, "-n", "6", "--length", "1k")
    recs = records(path)
    recs[0]["answer"] = str(int(recs[0]["answer"]) + 1)  # wrong gold answer
    recs[1]["tokens"]["count"] -= 1  # wrong token count
    anchor = recs[2]["blueprint"]["anchors"]["anc2"]
    header_end = recs[2]["prompt"].index("\">\n") + 3  # the first document's first paragraph
    recs[2]["prompt"] = recs[2]["prompt"][:header_end] + f"{anchor} " + recs[2]["prompt"][header_end:]
    recs[2]["messages"][-1]["content"] = recs[2]["prompt"]
    docs = recs[3]["blueprint"]["documents"]
    pair = next(p for d in docs for p in d["pairs"])
    pair["answer"] = "999999"  # embedded answer no longer what the bank computes
    write_records(path, recs)
    with path.open("a") as fh:
        fh.write("{not json\n")
    capsys.readouterr()
    assert main(["verify", str(path)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5
    assert "answer program gives" in lines[0] and f"record's answer is '{recs[0]['answer']}'" in lines[0]
    assert "token count is" in lines[1] and f"record says {recs[1]['tokens']['count']}" in lines[1]
    assert f"anchor {anchor} (anc2) occurs" in lines[2] and "in document 1" in lines[2]
    assert "it is in the background text" in lines[2]
    assert "bank gives" in lines[3] and "record says '999999'" in lines[3]
    assert lines[4].endswith("not valid JSON (Expecting property name enclosed in double quotes at column 2); "
                             "regenerate the file or remove the line")


BAD_INPUT = [
    (["--skill", "nah"], "unknown skill 'nah'; did you mean 'niah'"),
    (["--knob", "pairs=100"], "knob 'pairs' of abr/niah must be an integer in [2, 64], got '100'"),
    (["--knob", "colour=red"], "unknown knob 'colour'"),
    (["--knob", "variant=sideways"], "knob 'variant' of abr/niah must be one of single, distributed"),
    (["--length", "8q"], "invalid length '8q'"),
    (["--length", "10"], "length '10' is out of range"),
    (["--length", "200", "--knob", "pairs=64"], "length 200 is too small"),
    (["--depth", "1.5"], "depth '1.5' is out of range"),
    (["--tokenizer", "nonsense"], "unknown tokenizer 'nonsense'"),
    (["--shard", "3/2"], "invalid --shard '3/2'"),
    (["--workers", "0"], "--workers must be between 1 and 256"),
    (["--interference", "nope"], "unknown interference pattern 'nope'"),
    (["--haystack", "procedural:/tmp"], "haystack source 'procedural' takes no argument"),
    (["--chat-template"], "tokenizer 'default' has no chat template"),
    (["--config", "/no/such/recipe.toml"], "cannot read config '/no/such/recipe.toml'"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    args: list[str], message: str) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["generate", "-o", str(out), "-n", "2", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("abr: error: ") and err.count("\n") == 1
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_bad_config_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "r.toml"
    cfg.write_text("n = [")
    assert main(["generate", "-o", str(tmp_path / "o.jsonl"), "--config", str(cfg)]) == 2
    assert f"config '{cfg}' is not valid TOML" in capsys.readouterr().err
    cfg.write_text("n = 3\nlenghts = ['8k']\n")
    assert main(["generate", "-o", str(tmp_path / "o.jsonl"), "--config", str(cfg)]) == 2
    assert "unknown key 'lenghts'; known keys:" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()


def test_config_file_recipe_with_sweep(tmp_path: Path) -> None:
    cfg = tmp_path / "r.toml"
    cfg.write_text('n = 8\nseed = 4\nlengths = ["1k", "2k"]\ndepths = [0.25, 0.75]\n'
                   '[skills.niah]\nvariant = "distributed"\npairs = [2, 3]\n')
    generate(tmp_path / "o.jsonl", "--config", str(cfg))
    grid = [(r["knobs"]["length"], r["knobs"]["depth"], r["knobs"]["pairs"]) for r in records(tmp_path / "o.jsonl")]
    assert grid == [(1024, 0.25, 2), (2048, 0.25, 2), (1024, 0.75, 2), (2048, 0.75, 2),
                    (1024, 0.25, 3), (2048, 0.25, 3), (1024, 0.75, 3), (2048, 0.75, 3)]
    manifest = json.loads((tmp_path / "o.jsonl.manifest.json").read_text())
    assert manifest["recipe"]["skills"]["niah"]["pairs"] == [2, 3]


def test_failure_mid_run_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from abr.errors import AbrError
    from abr.generate import Engine

    real = Engine.line

    def flaky(self: Engine, index: int) -> str:
        if index == 3:
            raise AbrError("simulated failure at sample 3")
        return real(self, index)

    monkeypatch.setattr(Engine, "line", flaky)
    out = tmp_path / "o.jsonl"
    assert main(["generate", "-q", "-o", str(out), "-n", "6", "--length", "1k"]) == 2
    assert "simulated failure at sample 3" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_real_process_exit_codes(tmp_path: Path) -> None:
    bad = run_cli("generate", "-o", str(tmp_path / "x.jsonl"), "--skill", "nah")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    usage = run_cli("generate")
    assert usage.returncode == 2 and "the following arguments are required: -o/--output" in usage.stderr
    ok = run_cli("generate", "-q", "-o", str(tmp_path / "y.jsonl"), "-n", "2", "--length", "1k")
    assert ok.returncode == 0, ok.stderr
    assert run_cli("verify", "-q", str(tmp_path / "y.jsonl")).returncode == 0
    missing = run_cli("verify", str(tmp_path / "none.jsonl"))
    assert missing.returncode == 2 and "no such dataset" in missing.stderr


def test_configured_anchor_style_and_jsonl_bank(tmp_path: Path) -> None:
    bank = tmp_path / "set.jsonl"
    bank.write_text("".join(json.dumps({"question": f"What is {k} times 7?", "answer": str(7 * k),
                                        "answer_type": "integer"}) + "\n" for k in range(2, 14)))
    out = tmp_path / "d.jsonl"
    generate(out, "--anchor-style", "random-id:10", "--question-bank", f"jsonl:{bank}", "-n", "2", "--length", "1k")
    for rec in records(out):
        assert all(len(a) == 10 for a in rec["blueprint"]["anchors"].values())
        assert int(rec["answer"]) in {7 * k for k in range(2, 14)}
        assert rec["versions"]["components"][f"abr/jsonl:{bank}"] >= 1
    assert main(["verify", str(out)]) == 0
