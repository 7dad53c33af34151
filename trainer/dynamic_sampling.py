"""GRPO with dynamic sampling (DAPO, paper Appendix B.2): groups whose rewards are all equal carry no
learning signal, so they are removed from the loss *and* from its normaliser.

trl gives such groups an advantage of 0 but still counts their tokens in the loss normaliser, which dilutes
every useful gradient. This subclass masks the completions of zero-variance groups out of the loss mask and
recomputes the normaliser (``num_items_in_batch``) from what is left; a batch without such groups is left
exactly as plain GRPO would have it. The fraction of groups dropped is logged as
``dynamic_sampling/dropped_fraction``.

It relies on two private methods of trl's GRPOTrainer (``_calculate_rewards``,
``_generate_and_score_completions``), so the ``train`` extra pins trl to 1.16.x.
"""

from __future__ import annotations

from typing import Any

import torch
from trl import GRPOTrainer


def zero_variance_groups(rewards: torch.Tensor, group_size: int, atol: float = 1e-6) -> torch.Tensor:
    """A boolean per group: True where every finite reward of the group is the same (no signal)."""
    grouped = rewards.view(-1, group_size)
    finite = torch.isfinite(grouped)
    high = torch.where(finite, grouped, torch.full_like(grouped, -torch.inf)).max(dim=1).values
    low = torch.where(finite, grouped, torch.full_like(grouped, torch.inf)).min(dim=1).values
    spread = torch.nan_to_num(high - low, nan=0.0, posinf=0.0, neginf=0.0)
    return spread.abs() <= atol


class DynamicSamplingGRPOTrainer(GRPOTrainer):
    """trl's GRPOTrainer, minus the groups with zero reward variance."""

    def __init__(self, *args: Any, dynamic_sampling: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dynamic_sampling = dynamic_sampling
        self._last_rewards_per_func: torch.Tensor | None = None

    def _calculate_rewards(self, inputs: Any, prompts: Any, completions: Any, completion_ids_list: Any) -> torch.Tensor:
        rewards = super()._calculate_rewards(inputs, prompts, completions, completion_ids_list)
        self._last_rewards_per_func = rewards
        return rewards

    def _generate_and_score_completions(self, inputs: Any) -> dict[str, Any]:
        output = super()._generate_and_score_completions(inputs)
        model, group = self.model, self.num_generations
        if not self.dynamic_sampling or model is None or not model.training or self._last_rewards_per_func is None:
            return output
        assert group is not None
        per_func = self._last_rewards_per_func  # gathered over all processes, (B*G, F)
        weights = self.reward_weights.to(per_func.device)
        rewards = (per_func * weights.unsqueeze(0)).nansum(dim=1)
        rewards[torch.isnan(per_func).all(dim=1)] = torch.nan
        drop_group = zero_variance_groups(rewards, group)
        self._metrics["train"]["dynamic_sampling/dropped_fraction"].append(drop_group.float().mean().item())
        if not bool(drop_group.any()):
            return output
        keep = (~drop_group).repeat_interleave(group)
        local = len(output["completion_ids"])
        start = self.accelerator.process_index * local
        keep_local = keep[start:start + local].to(output["completion_mask"].device)
        output["completion_mask"] = output["completion_mask"] * keep_local.unsqueeze(1).to(
            output["completion_mask"].dtype)
        output["num_items_in_batch"] = self.accelerator.gather(output["completion_mask"].sum()).sum()
        return output
