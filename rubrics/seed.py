"""The seeded "ML system design" rubric, written from ../shared/DOMAIN.md (migration 0002 loads it).

Each dimension names what it assesses and four anchors tied to levels: 1 is below the L3 bar,
2 meets L3, 3 meets L4, 4 meets L5+. Scale weighs more in FAANG rounds (massive datasets);
problem framing more in startup rounds (the business element).
"""

RUBRIC_NAME = "ML system design"

DIMENSIONS = [
    {
        "key": "framing",
        "title": "Problem framing and requirements",
        "assesses": "Turning an ambiguous product ask into specific ML challenges: the objective and its metric, "
        "the dataset and labels, how the model executes (batch or online), the performance it must reach. "
        "For startups, the business element: the company's mission and what the design must earn or save.",
        "anchor_1": "Starts designing a model without pinning down the objective; no measurable target; "
        "ignores the business context.",
        "anchor_2": "With prompting, states a measurable objective, the label and basic constraints such as latency.",
        "anchor_3": "Unprompted, turns the ask into an ML objective with online and offline metrics, data and "
        "latency requirements, and confirms scope before designing.",
        "anchor_4": "Frames the problem in business terms and trade-offs (cost of errors, what success is worth), "
        "names non-goals, and narrows scope to what matters for launch.",
        "faang_weight": "1.0",
        "startup_weight": "1.5",
    },
    {
        "key": "data",
        "title": "Data: ingestion, preprocessing, labelling",
        "assesses": "Where data comes from and how it is collected, cleaned, joined and labelled; label quality "
        "and bias; the most common mistake is spending too little time here.",
        "anchor_1": "Assumes a clean labelled dataset exists.",
        "anchor_2": "Names the data sources and a labelling approach; mentions basic cleaning.",
        "anchor_3": "Designs the pipeline: sampling, label delay or noise, class imbalance, train/serve split "
        "without leakage.",
        "anchor_4": "Addresses bias in implicit labels (position, selection), feedback loops, data freshness and "
        "governance, and how the dataset evolves after launch.",
    },
    {
        "key": "features",
        "title": "Feature engineering",
        "assesses": "Which signals are turned into features, how they are computed, and how training and serving "
        "stay consistent.",
        "anchor_1": "Lists raw fields as features without reasoning.",
        "anchor_2": "Proposes sensible features from the main entities (user, item, context).",
        "anchor_3": "Distinguishes batch and real-time features, handles high-cardinality and missing values, "
        "avoids train/serve skew.",
        "anchor_4": "Plans a feature store or equivalent, feature freshness vs cost, and feature importance or "
        "ablation to prune.",
    },
    {
        "key": "modelling",
        "title": "Modelling and trade-offs",
        "assesses": "Weighing several candidate models against each other (accuracy against inference speed, "
        "simplicity against capacity) to reach a working solution.",
        "anchor_1": "Names one model without alternatives or reasons.",
        "anchor_2": "Starts from a sound baseline and proposes one improvement.",
        "anchor_3": "Compares two or three approaches on accuracy, latency and cost, and picks one with reasons; "
        "plans training and retraining.",
        "anchor_4": "Designs a staged system (e.g. retrieval then ranking), anticipates failure modes and knows "
        "when a simpler model wins.",
    },
    {
        "key": "evaluation",
        "title": "Evaluation and experimentation",
        "assesses": "Offline metrics that match the objective, and online experiments (A/B tests) with guardrails.",
        "anchor_1": "Only mentions accuracy, or no evaluation.",
        "anchor_2": "Chooses an appropriate offline metric and a holdout set.",
        "anchor_3": "Links offline metrics to an online A/B test with a primary metric and guardrails.",
        "anchor_4": "Handles experiment pitfalls (network effects, novelty, long-term effects) and sizes the test.",
    },
    {
        "key": "serving",
        "title": "Serving, deployment and monitoring",
        "assesses": "How the model runs in production: inference path, rollout, monitoring of data and model "
        "drift, error handling and logging.",
        "anchor_1": "Stops at a trained model.",
        "anchor_2": "Describes how predictions are served and logged.",
        "anchor_3": "Plans a staged rollout (shadow, canary), monitoring of inputs and outputs, and fallbacks.",
        "anchor_4": "Covers drift detection with retraining triggers, on-call signals and graceful degradation.",
    },
    {
        "key": "scale",
        "title": "Scale: storage, retrieval, throughput",
        "assesses": "Data storage and retrieval, throughput and latency at the product's real volume; weighs "
        "more in FAANG rounds, whose datasets are massive.",
        "anchor_1": "No notion of volume or latency.",
        "anchor_2": "Estimates volume and picks storage that fits.",
        "anchor_3": "Designs for the stated QPS and latency: caching, precomputation, sharding, approximate search.",
        "anchor_4": "Quantifies capacity and cost, and evolves the design for 10x growth.",
        "faang_weight": "1.5",
        "startup_weight": "0.75",
    },
    {
        "key": "risks",
        "title": "Risks and dependencies",
        "assesses": "Runtime concerns: data-privacy risks, dependencies on upstream models, effects on downstream "
        "models, fairness and abuse; a design that works on real-world data.",
        "anchor_1": "Raises no privacy, dependency or fairness concern, even when asked.",
        "anchor_2": "Mentions privacy or fairness when asked.",
        "anchor_3": "Identifies privacy risks and upstream/downstream dependencies and mitigates them.",
        "anchor_4": "Treats risks as design inputs: privacy by design, contracts with upstream models, "
        "monitoring effects on downstream systems.",
    },
    {
        "key": "communication",
        "title": "Communication",
        "assesses": "Presenting the system as if convincing a team, non-ML engineers included, that it should ship: "
        "structure, clarity, driving the discussion.",
        "anchor_1": "Hard to follow; needs constant steering.",
        "anchor_2": "Clear when guided; answers questions directly.",
        "anchor_3": "Structures the discussion, checks in, and explains trade-offs plainly.",
        "anchor_4": "Leads the interview like a design review, adapts depth to the audience, and makes a "
        "convincing case for launch.",
    },
]


def load_rubric(rubric_model, dimension_model) -> None:
    """Create version 1 of the seeded rubric once; later versions are made by editing in the admin."""
    rubric, created = rubric_model.objects.get_or_create(
        name=RUBRIC_NAME,
        version=1,
        defaults={
            "description": "Scores the four assessed areas, the design components, scale and communication."
        },
    )
    if created:
        for order, spec in enumerate(DIMENSIONS):
            dimension_model.objects.create(rubric=rubric, order=order, **spec)
