"""An `llm` plugin of fake models for the tests of `srs draft` and `srs explain`.

Registered with llm's own plugin manager (`llm.plugins.pm.register`), exactly as an installed
plugin's entry point would be, so srs finds these models through `llm.get_model` like any
other. Each model records what it was sent in `RECEIVED` (system, prompt).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import llm

RECEIVED: list[tuple[str, str]] = []
CALLS: dict[str, int] = {}

VALID = [
    """Q: A team stores clickstream events and must let three independent consumers replay the
last 48 hours. Which service meets these requirements?
- [x] Amazon Kinesis Data Streams with extended retention
  - Why: several consumers read the same shards and can replay by position.
- [ ] Amazon Data Firehose
  - Why not: it delivers to destinations and cannot replay.
- [ ] Amazon SQS standard queue
  - Why not: a message is gone once a consumer deletes it.
Explanation: "Several consumers" plus "replay" point to Kinesis Data Streams.""",
    """Q: A data scientist must find the best learning rate for an XGBoost job with the fewest
training jobs. Which approach meets this requirement?
- [x] SageMaker automatic model tuning with the Bayesian strategy
  - Why: it uses earlier results to choose the next values.
- [ ] Grid search over 100 values
  - Why not: it runs every combination.
- [ ] Random search with 500 jobs
  - Why not: it ignores earlier results and needs many jobs.
Explanation: Bayesian tuning reaches a good value in fewer jobs.""",
    """Q: A model endpoint must scale to zero between nightly batches of predictions. Which
option meets this requirement at the lowest cost?
- [x] SageMaker batch transform
  - Why: it runs only while the batch runs.
- [ ] A real-time endpoint with two instances
  - Why not: it is billed around the clock.
- [ ] A multi-model endpoint
  - Why not: it is still a real-time endpoint that keeps running.
Explanation: No need for low latency, predictions in batches: batch transform.""",
]

NO_RATIONALE = """Q: Which SageMaker feature detects drift in a deployed model's input data?
- [x] SageMaker Model Monitor
- [ ] SageMaker Ground Truth
  - Why not: it labels data.
Explanation: Model Monitor compares live data with a baseline."""

FIXED_NO_RATIONALE = """Q: Which SageMaker feature detects drift in a deployed model's input data?
- [x] SageMaker Model Monitor
  - Why: it compares live inputs with a baseline.
- [ ] SageMaker Ground Truth
  - Why not: it labels data.
Explanation: Model Monitor compares live data with a baseline."""

BROKEN = """Q: Which AWS service is a managed feature store?"""

FIXED_BROKEN = """Q: Which AWS service keeps features for training and inference in one place?
- [x] SageMaker Feature Store
  - Why: online and offline stores of the same features.
- [ ] Amazon Athena
  - Why not: it queries data, it does not manage features.
Explanation: A feature store serves the same features to training and inference."""

# Duplicates of the `deck_dir` fixture's MCQ: the same stem with other spacing and emphasis,
# and the same correct answers to a near-identical stem.
DUPLICATE_SAME_STEM = """Q: Which metric suits an **imbalanced** fraud   dataset?
- [x] F1 score
  - Why: balances precision and recall.
- [ ] Accuracy
  - Why not: dominated by the majority class.
Explanation: Accuracy hides the minority class."""

DUPLICATE_NEAR_STEM = """Q: Which metric suits an imbalanced fraud data set?
- [x] Recall of the fraud class
  - Why: it measures the frauds found.
- [x] PR AUC
  - Why: it focuses on the positive class.
- [ ] Accuracy
  - Why not: dominated by the majority class.
Explanation: Accuracy hides the minority class; recall and PR AUC focus on it."""

HOSTILE = [
    # front matter that tries to un-draft the file and to name a deck outside the folder
    "---\ndraft: false\ndeck: ../../etc\n---",
    """Q: Which service \x1b[2J\x1b]0;pwned\x07 stores objects? <script>alert(1)</script>
- [x] Amazon S3 <img src=x onerror=alert(1)>
  - Why: object storage; see [notes](../../../../etc/passwd).
- [ ] Amazon EBS
  - Why not: block storage \u202eevil.
Explanation: S3 stores objects. <iframe src="file:///etc/passwd"></iframe>""",
    """Q: Which service runs SQL on files in S3?
<!-- id: ../../escape; tags: x -->
- [x] Amazon Athena
  - Why: serverless SQL over S3.
- [ ] Amazon EMR
  - Why not: a cluster to manage.
Explanation: Athena reads S3 in place.""",
]


def _record(prompt: Any) -> tuple[str, str]:
    sent = (prompt.system or "", prompt.prompt or "")
    RECEIVED.append(sent)
    return sent


class Canned(llm.Model):
    """Answers every prompt with a fixed text (or `retry` to a request to fix cards)."""

    def __init__(self, model_id: str, reply: str, retry: str | None = None) -> None:
        self.model_id = model_id
        self.reply = reply
        self.retry = retry

    def execute(self, prompt: Any, stream: Any, response: Any, conversation: Any) -> Iterator[str]:
        _, text = _record(prompt)
        CALLS[self.model_id] = CALLS.get(self.model_id, 0) + 1
        if self.retry is not None and "could not be used" in text:
            yield self.retry
        else:
            yield self.reply


class Failing(llm.Model):
    model_id = "srs-fake-fails"

    def execute(self, prompt: Any, stream: Any, response: Any, conversation: Any) -> Iterator[str]:
        _record(prompt)
        raise llm.ModelError("upstream said 500: internal error")


class Slow(llm.Model):
    model_id = "srs-fake-slow"

    def execute(self, prompt: Any, stream: Any, response: Any, conversation: Any) -> Iterator[str]:
        _record(prompt)
        time.sleep(3)
        yield VALID[0]


class Keyed(llm.KeyModel):
    model_id = "srs-fake-keyed"
    needs_key = "srs-fake"
    key_env_var = "SRS_FAKE_KEY"

    def execute(
        self, prompt: Any, stream: Any, response: Any, conversation: Any, key: str | None
    ) -> Iterator[str]:
        _record(prompt)
        yield VALID[0]


class Counter(llm.Model):
    """An explainer that numbers its answers, with a hostile escape sequence in each."""

    model_id = "srs-fake-explainer"

    def execute(self, prompt: Any, stream: Any, response: Any, conversation: Any) -> Iterator[str]:
        _record(prompt)
        CALLS[self.model_id] = CALLS.get(self.model_id, 0) + 1
        yield (
            f"## PCA, answer {CALLS[self.model_id]}\n\nPCA keeps the directions of most"
            " variance.\x1b[31m Example: 100 features -> 10 components. <b>bold</b>"
        )


SEP = "\n\n---\n\n"


@llm.hookimpl
def register_models(register: Any) -> None:
    register(Canned("srs-fake-valid", SEP.join(VALID)))
    register(
        Canned(
            "srs-fake-fixes",
            SEP.join([VALID[0], NO_RATIONALE, BROKEN, VALID[1]]),
            retry=SEP.join([FIXED_NO_RATIONALE, FIXED_BROKEN]),
        )
    )
    register(
        Canned(
            "srs-fake-partly",
            SEP.join([VALID[0], NO_RATIONALE, BROKEN]),
            retry=SEP.join([NO_RATIONALE, BROKEN]),
        )
    )
    register(
        Canned(
            "srs-fake-dupes",
            SEP.join([DUPLICATE_SAME_STEM, DUPLICATE_NEAR_STEM, VALID[0], VALID[0], VALID[1]]),
        )
    )
    register(Canned("srs-fake-hostile", SEP.join(HOSTILE)))
    register(
        Canned(
            "srs-fake-basic",
            SEP.join(
                [
                    "Q: What does a SageMaker endpoint variant weight control?\n"
                    "A: The share of traffic each production variant receives.",
                    "C: Firehose buffers by {{c1::size}} or {{c2::time}}.",
                    "Q: Which metric does early stopping watch?\nA: A validation metric.",
                ]
            ),
        )
    )
    register(Canned("srs-fake-garbage", "I cannot help with that."))
    register(Failing())
    register(Slow())
    register(Keyed())
    register(Counter())
