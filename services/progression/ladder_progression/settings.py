"""The progression service's own settings: the readiness policy and the re-evaluation worker.

Read from the environment (``READINESS_*``) next to the kit's
:class:`~ladder_runtime.settings.ServiceSettings`; tests pass them directly.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ladder_contracts.events.progression import MAX_TOP_GAPS

from ladder_progression.domain.engine import ReadinessPolicy, Thresholds


class ProgressionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="READINESS_", extra="ignore", case_sensitive=False)

    half_life_days: float = Field(default=180.0, gt=0, description="Evidence loses half its weight in this many days")
    score_step: float = Field(
        default=0.05, gt=0, le=1, description="Publish when the score moved this much since the last event"
    )
    developing_from: float = Field(default=0.4, description="Default score where 'developing' starts")
    ready_from: float = Field(default=0.8, description="Default score where 'ready' starts")
    met_attainment: float = Field(default=0.7, gt=0, le=1, description="Attainment a criterion needs to be met")
    met_confidence: float = Field(default=0.7, gt=0, lt=1, description="Confidence a criterion needs to be met")
    source_cap: float = Field(
        default=1.5, gt=0, description="Most evidence mass one source adds to a criterion's confidence"
    )
    top_gaps: int = Field(default=5, ge=0, le=MAX_TOP_GAPS, description="Gaps named in PromotionReadinessChanged")
    reevaluation_batch_size: int = Field(default=100, ge=1, le=10_000, description="People per re-evaluation batch")
    reevaluation_poll_interval_s: float = Field(
        default=2.0, gt=0, description="How often the worker looks for work left by a crash or another replica"
    )

    @model_validator(mode="after")
    def _valid_thresholds(self) -> Self:
        Thresholds(self.developing_from, self.ready_from)  # raises naming the field
        return self

    def policy(self) -> ReadinessPolicy:
        return ReadinessPolicy(
            half_life=timedelta(days=self.half_life_days),
            met_attainment=self.met_attainment,
            met_confidence=self.met_confidence,
            source_cap=self.source_cap,
            score_step=self.score_step,
            top_gaps=self.top_gaps,
            thresholds=Thresholds(self.developing_from, self.ready_from),
        )
