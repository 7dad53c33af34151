"""The GRPO trainer on CPU: rewards equal abr's verdicts, dynamic sampling drops exactly the zero-variance
groups and changes nothing else, three steps train and checkpoint, training resumes, verl export scores."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("trl")

from abr.errors import AbrError  # noqa: E402
from abr.host import Host  # noqa: E402
from abr.scoring import judge  # noqa: E402
from abr.trainer.config import TrainConfig, config_from_mapping, load_config  # noqa: E402
from abr.trainer.dynamic_sampling import zero_variance_groups  # noqa: E402
from abr.trainer.rewards import correctness_reward, follows_format, format_reward  # noqa: E402
from helpers import generate, records  # noqa: E402
from train_helpers import tiny_model  # noqa: E402

os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("train")
    data = root / "data.jsonl"
    generate(data, "-n", "8", "--skill", "niah", "--skill", "multi-hop", "--length", "512", "--knob", "pairs=2",
             "--knob", "documents=2", "--knob", "hops=1", "--seed", "3")  # a two-skill mixture
    texts = [r["prompt"] for r in records(data)] * 5
    return {"root": root, "data": data, "model": tiny_model(root / "model", texts)}


def _config(workspace: dict[str, Path], out: str, **changes: Any) -> TrainConfig:
    base = TrainConfig(model=str(workspace["model"]), data=(str(workspace["data"]),),
                       output_dir=str(workspace["root"] / out), num_generations=2, max_completion_length=8,
                       max_prompt_length=4096, per_device_train_batch_size=2, gradient_accumulation_steps=1,
                       max_steps=3, save_steps=2, learning_rate=1e-3, seed=1)
    return config_from_mapping(changes, "test", base)


def test_rewards_are_the_checkers_verdicts(workspace: dict[str, Path], host: Host) -> None:
    rec = records(workspace["data"])[0]
    gold = rec["answer"]
    responses = [f"<think>easy</think>\nAnswer: {gold}", f"Answer: {int(gold) + 1}", "<think>hmm",
                 f"The value is \\boxed{{{gold}}}", "Error: context length exceeded"]
    completions = [[{"role": "assistant", "content": r}] for r in responses]
    n = len(responses)
    logged: dict[str, float] = {}
    rewards = correctness_reward(host.registry)(
        completions=completions, answer=[gold] * n, answer_type=[rec["answer_type"]] * n, answer_rule=[""] * n,
        skill=[rec["skill"]] * n, log_metric=lambda k, v: logged.__setitem__(k, v))
    verdicts = [1.0 if judge(r, gold, rec["answer_type"], {}, host.registry).correct else 0.0 for r in responses]
    assert rewards == verdicts == [1.0, 0.0, 0.0, 1.0, 0.0]
    assert logged == {"accuracy/abr/niah": 0.4}
    assert format_reward()(completions=completions) == [1.0, 1.0, 0.0, 0.0, 0.0]
    assert follows_format("work\n**Answer:** 7") and not follows_format("Answer: 7\nthen more")


def test_zero_variance_groups_are_exactly_the_constant_ones() -> None:
    rewards = torch.tensor([1.0, 1.0, 0.0, 1.0, 0.5, 0.5, 0.0, 0.0, float("nan"), 1.0])
    assert zero_variance_groups(rewards, 2).tolist() == [True, False, True, True, True]
    assert zero_variance_groups(torch.tensor([0.0, 1.0, 0.0, 0.0]), 4).tolist() == [False]


def _train(config: TrainConfig, registry: Any, trainer_cls: Any, reward: Any, **kw: Any) -> Any:
    from abr.trainer.data import load_rows
    from abr.trainer.grpo import grpo_args, load_model_and_tokenizer
    from datasets import Dataset

    model, tokenizer = load_model_and_tokenizer(config)
    trainer = trainer_cls(model=model, processing_class=tokenizer, reward_funcs=[reward],
                          args=grpo_args(config, False), train_dataset=Dataset.from_list(load_rows(config.data)), **kw)
    trainer.train()
    return trainer


def _varied(completions: list[Any], **_: Any) -> list[float]:
    return [float(i % 2) for i in range(len(completions))]  # every group of two has one 0 and one 1


def _half_constant(completions: list[Any], **_: Any) -> list[float]:
    return [float(i % 2) if i % 4 < 2 else 0.5 for i in range(len(completions))]  # every second group is flat


def test_dynamic_sampling_equals_plain_grpo_without_flat_groups(workspace: dict[str, Path], host: Host) -> None:
    from abr.trainer.dynamic_sampling import DynamicSamplingGRPOTrainer
    from trl import GRPOTrainer

    config = _config(workspace, "cmp", per_device_train_batch_size=4, max_steps=2, save_steps=100)
    plain = _train(config, host.registry, GRPOTrainer, _varied)
    dynamic = _train(config, host.registry, DynamicSamplingGRPOTrainer, _varied)
    for (name, a), (_, b) in zip(plain.model.named_parameters(), dynamic.model.named_parameters()):
        assert torch.equal(a, b), name
    dropped = [h["dynamic_sampling/dropped_fraction"] for h in dynamic.state.log_history
               if "dynamic_sampling/dropped_fraction" in h]
    assert dropped and all(d == 0.0 for d in dropped)

    flat = _train(config, host.registry, DynamicSamplingGRPOTrainer, _half_constant)
    plain_flat = _train(config, host.registry, GRPOTrainer, _half_constant)
    fractions = [h["dynamic_sampling/dropped_fraction"] for h in flat.state.log_history
                 if "dynamic_sampling/dropped_fraction" in h]
    assert fractions and all(f == 0.5 for f in fractions)
    assert any(not torch.equal(a, b) for (_, a), (_, b) in zip(flat.model.named_parameters(),
                                                               plain_flat.model.named_parameters()))


def test_three_steps_checkpoint_and_resume(workspace: dict[str, Path], host: Host) -> None:
    from abr.trainer.grpo import train_grpo

    config = _config(workspace, "run")
    result = train_grpo(config, host.registry)
    out = Path(config.output_dir)
    assert result.steps == 3
    assert (out / "checkpoint-2" / "model.safetensors").is_file() and (out / "model.safetensors").is_file()
    log = json.loads((out / "abr-train-log.json").read_text())
    logged = {k for h in log["log_history"] for k in h if k.startswith("accuracy/")}
    assert logged and logged <= {"accuracy/abr/niah", "accuracy/abr/multi-hop"}
    resumed = train_grpo(_config(workspace, "run", max_steps=5, resume=str(out / "checkpoint-3")), host.registry)
    assert resumed.steps == 5 and (out / "checkpoint-4").is_dir()


def test_long_prompts_are_refused_with_a_count(workspace: dict[str, Path], host: Host) -> None:
    from abr.trainer.grpo import train_grpo

    with pytest.raises(AbrError, match=r"^8 of 8 prompts are longer than max_prompt_length=16 tokens"):
        train_grpo(_config(workspace, "short", max_prompt_length=16), host.registry)


def test_config_errors(tmp_path: Path) -> None:
    bad = tmp_path / "t.toml"
    bad.write_text("[grpo]\ntop_q = 1\n")
    with pytest.raises(AbrError, match="unknown training option 'top_q'"):
        load_config(bad)
    with pytest.raises(AbrError, match="epsilon_high"):
        TrainConfig(model="m", data=("d",), output_dir="o", epsilon=0.3, epsilon_high=0.2).check()
    paper = load_config(Path(__file__).resolve().parents[1] / "trainer" / "configs" / "paper.toml")
    assert (paper.top_p, paper.top_k, paper.max_prompt_length, paper.epsilon_high) == (0.6, 20, 24576, 0.28)


def test_verl_export_scores_and_trains(workspace: dict[str, Path], host: Host, tmp_path: Path) -> None:
    import pyarrow.parquet as pq
    from abr.trainer.grpo import train_grpo
    from abr.trainer.verl import compute_score, export_verl

    recs = records(workspace["data"])
    out = tmp_path / "train.parquet"
    with out.open("wb") as fh:
        assert export_verl(recs, fh) == 8
    table = pq.read_table(out).to_pylist()
    row = table[0]
    assert row["data_source"] == "abr/niah"
    assert row["reward_model"] == {"style": "rule", "ground_truth": recs[0]["answer"]}
    assert row["prompt"][-1] == {"role": "user", "content": recs[0]["prompt"]}
    info = row["extra_info"]
    gold = recs[0]["answer"]
    assert compute_score("abr/niah", f"Answer: {gold}", gold, info) == 1.0
    assert compute_score("abr/niah", "Answer: -99999", gold, info) == 0.0
    assert compute_score("abr/niah", "", gold, info) == 0.0
    assert compute_score("abr/niah", f"Answer: {gold}", gold, {"answer_type": "integer", "answer_rule": "{bad"}) == 1.0
    assert compute_score("abr/niah", None, gold, None) == 0.0  # type: ignore[arg-type]
    result = train_grpo(_config(workspace, "verl", data=(str(out),), max_steps=1), host.registry)
    assert result.steps == 1


def test_train_from_the_command_line(workspace: dict[str, Path], tmp_path: Path) -> None:
    from abr.cli import main

    out = tmp_path / "cli-run"
    code = main(["train", "grpo", "--data", str(workspace["data"]), "--model", str(workspace["model"]), "-o", str(out),
                 "--num-generations", "2", "--max-completion-length", "8", "--max-prompt-length", "4096",
                 "--per-device-train-batch-size", "2", "--gradient-accumulation-steps", "1", "--max-steps", "1",
                 "--format-weight", "0.1", "--cot", "--set", "learning_rate=0.001", "--set", "save_steps=1"])
    assert code == 0
    log = json.loads((out / "abr-train-log.json").read_text())
    assert log["config"]["cot_system_prompt"] is True and log["config"]["learning_rate"] == 0.001
    assert any("rewards/abr_format/mean" in h for h in log["log_history"])


def test_judged_reward_asks_the_judge_only_for_unparseable_answers(host: Host, tmp_path: Path) -> None:
    import asyncio

    from abr.trainer.rewards import judged_correctness_reward
    from test_eval_openai import LoopbackServer, Reply

    def script(body: dict[str, Any], attempt: int) -> Reply:
        tail = body["messages"][-1]["content"]
        return Reply(content="CORRECT" if "forty-two" in tail else "I cannot tell")

    server = LoopbackServer(script)
    try:
        reward = judged_correctness_reward(host.registry, f"openai:judge@{server.url}", str(tmp_path / "j.sqlite"))
        texts = ["Answer: 42", "Answer: 41", "Answer: forty-two", "Answer: about forty", "<think>still"]
        kwargs = {"answer": ["42"] * 5, "answer_type": ["integer"] * 5, "question": ["What is 6 * 7?"] * 5,
                  "answer_rule": [""] * 5, "skill": ["abr/niah"] * 5}
        completions = [[{"role": "assistant", "content": t}] for t in texts]
        first = asyncio.run(reward(completions=completions, **kwargs))
        assert first == [1.0, 0.0, 1.0, None, 0.0]
        assert server.total == 2  # only the two answers the integer checker cannot parse reached the judge
        assert asyncio.run(reward(completions=completions, **kwargs)) == first
        assert server.total == 2  # the judge's verdicts are cached
    finally:
        server.close()
