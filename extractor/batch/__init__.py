"""Bulk conversion: plan a batch (skip what the store already holds), run one document per task on an
executor (in process, a local process pool, or a Ray cluster), and store each result as it arrives
through a single writer, one transaction per document.
"""

from extractor.batch.plan import Plan, Task, hash_filing, plan_batch
from extractor.batch.runner import Outcome, store_results

__all__ = ["Outcome", "Plan", "Task", "hash_filing", "plan_batch", "store_results"]
