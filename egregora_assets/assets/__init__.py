"""One thin module per link of the chain, named after what it produces."""

import warnings

# Single-run backfills and blocking checks are marked beta/preview; we rely on them knowingly.
warnings.filterwarnings("ignore", message=r".*is currently in (beta|preview)")
