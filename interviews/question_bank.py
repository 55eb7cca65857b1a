"""The seeded ML system design question bank (migration 0003 loads it; staff edit it in the admin).

Written from ../shared/DOMAIN.md: FAANG prompts are generic and carry scale follow-ups (the
datasets are massive); startup prompts are tied to a company's mission and expect a business
element. Every prompt walks the same components (data ingestion and preprocessing, features,
training and inference, deployment and monitoring); follow-ups come from the four families
(data storage and retrieval, scalability and performance, error handling and logging,
A/B testing and experimentation). What changes with level is what should be covered.
"""

SCALE = "Scalability and performance"
STORAGE = "Data storage and retrieval"
ERRORS = "Error handling and logging"
EXPERIMENTS = "A/B testing and experimentation"
BUSINESS = "Business element"


def _expect(l3: str | None, l4: str, l5: str) -> dict:
    """What each level should cover; None for a level the question is not asked at."""
    return {level: text for level, text in (("L3", l3), ("L4", l4), ("L5", l5)) if text}


QUESTIONS = [
    # FAANG: generic problems at massive scale.
    {
        "title": "Recommendations for a video streaming service",
        "company_type": "faang",
        "min_level": "L3",
        "prompt": "Design the system that recommends what to watch next on a streaming service with 200M "
        "monthly users and a catalogue of 50k titles. Start from what 'engagement' should mean here.",
        "follow_ups": [
            {
                "family": SCALE,
                "question": "Ranking must answer in under 100 ms at 50k requests per second. "
                "Where do candidate generation and ranking run, and what do you precompute?",
            },
            {
                "family": STORAGE,
                "question": "Where do viewing events land, and how do features reach the "
                "ranker both offline and online without skew?",
            },
            {
                "family": EXPERIMENTS,
                "question": "A new ranker wins offline on NDCG. How do you test it "
                "online, and which guardrail metrics stop a launch?",
            },
            {
                "family": ERRORS,
                "question": "The feature store is down for ten minutes. What does the home page show?",
            },
        ],
        "expectations": _expect(
            "Frames engagement as a measurable label (watch time, completion), builds a working two-stage "
            "pipeline with guidance, names offline metrics.",
            "Drives the design unprompted: implicit-feedback labelling and its biases, candidate generation "
            "vs ranking trade-offs, real-time vs batch features, an A/B plan.",
            "Adds cold start, feedback loops and popularity bias, capacity estimates, monitoring for drift, "
            "and how the system evolves; needs almost no hints.",
        ),
    },
    {
        "title": "Image search over a photo sharing platform",
        "company_type": "faang",
        "min_level": "L3",
        "prompt": "Design image search for a photo platform with 10 billion images: users type a text "
        "query and get relevant photos.",
        "follow_ups": [
            {
                "family": SCALE,
                "question": "Nearest-neighbour search over 10B embeddings: which index, how "
                "is it sharded, what recall do you give up for latency?",
            },
            {"family": STORAGE, "question": "How are embeddings versioned when the encoder is retrained?"},
            {"family": EXPERIMENTS, "question": "How do you measure relevance before and after launch?"},
            {
                "family": ERRORS,
                "question": "How do you detect that a new encoder silently degraded one language?",
            },
        ],
        "expectations": _expect(
            "Chooses a text-image embedding approach and a labelled evaluation set with help.",
            "Compares dual encoders to re-rankers on accuracy vs latency, plans labelling from clicks with "
            "position-bias care, approximate nearest-neighbour indexing.",
            "Covers re-embedding at scale, index rebuilds without downtime, privacy of private photos, "
            "multilingual fairness and a monitoring plan.",
        ),
    },
    {
        "title": "News feed ranking",
        "company_type": "faang",
        "min_level": "L4",
        "prompt": "Design the ranking of posts in a social network's news feed for 1 billion daily users.",
        "follow_ups": [
            {"family": SCALE, "question": "Fan-out on write or on read for celebrity accounts?"},
            {
                "family": STORAGE,
                "question": "How long do you keep impression logs, and how are they joined "
                "with engagement labels that arrive hours later?",
            },
            {
                "family": EXPERIMENTS,
                "question": "Network effects contaminate a user-level A/B test. What do you do?",
            },
            {
                "family": ERRORS,
                "question": "A bug doubles the weight of one engagement type. How fast do you notice?",
            },
        ],
        "expectations": _expect(
            None,
            "Multi-objective labels (likes, comments, hides), a ranking model with trade-offs, delayed "
            "label joins, offline and online metrics.",
            "Integrity and downstream effects of ranking changes, cluster-randomised experiments, long-term "
            "value vs short-term engagement, serving cost.",
        ),
    },
    {
        "title": "Ad click-through rate prediction",
        "company_type": "faang",
        "min_level": "L4",
        "prompt": "Design the model that predicts the probability that an ad is clicked, used by an auction "
        "serving 10M ad requests per minute.",
        "follow_ups": [
            {"family": SCALE, "question": "Inference budget is 10 ms for 500 candidate ads. How?"},
            {
                "family": STORAGE,
                "question": "Sparse features with billions of ids: how are embeddings stored and updated?",
            },
            {
                "family": EXPERIMENTS,
                "question": "Why does calibration matter for the auction, and how do you check it online?",
            },
            {"family": ERRORS, "question": "Click logs arrive late or duplicated. What does training see?"},
        ],
        "expectations": _expect(
            None,
            "Label definition with delayed conversions, feature crosses vs deep models, calibration, log "
            "loss and AUC offline, online revenue metrics.",
            "Continuous training and its failure modes, feedback loops from the auction, privacy limits on "
            "user features, budget pacing interactions.",
        ),
    },
    {
        "title": "Harmful content detection",
        "company_type": "faang",
        "min_level": "L3",
        "prompt": "Design a system that detects policy-violating posts (text and images) on a platform "
        "receiving 500M posts a day.",
        "follow_ups": [
            {"family": SCALE, "question": "Which checks run before a post is visible and which after?"},
            {"family": STORAGE, "question": "How are human review decisions stored and fed back as labels?"},
            {"family": EXPERIMENTS, "question": "How do you choose thresholds per violation type?"},
            {"family": ERRORS, "question": "Adversaries change spelling overnight. How do you find out?"},
        ],
        "expectations": _expect(
            "A classifier with a sensible label source and precision/recall discussion, with guidance.",
            "Multimodal fusion trade-offs, class imbalance, human-in-the-loop labelling, staged thresholds.",
            "Adversarial drift, appeals, regional policy differences, reviewer wellbeing and cost, "
            "measuring prevalence rather than only model metrics.",
        ),
    },
    {
        "title": "Search query autocomplete",
        "company_type": "faang",
        "min_level": "L3",
        "prompt": "Design query autocomplete for a web search engine: suggestions appear as the user types.",
        "follow_ups": [
            {"family": SCALE, "question": "Suggestions within 20 ms at the keystroke rate of 100M users."},
            {
                "family": STORAGE,
                "question": "How is the suggestion index built and refreshed for trending queries?",
            },
            {"family": EXPERIMENTS, "question": "Which metric says autocomplete got better?"},
            {"family": ERRORS, "question": "How do offensive suggestions get caught before users see them?"},
        ],
        "expectations": _expect(
            "A prefix index with popularity ranking, and a plan to personalise with help.",
            "Learning-to-rank on query logs, freshness vs stability, privacy of rare queries.",
            "Multilingual input, abuse, caching strategy and measurement of keystrokes saved.",
        ),
    },
    {
        "title": "Estimated time of arrival for a ride-hailing app",
        "company_type": "faang",
        "min_level": "L4",
        "prompt": "Design ETA prediction for a ride-hailing service operating in 500 cities.",
        "follow_ups": [
            {"family": SCALE, "question": "Millions of ETA requests a minute: what is computed per request?"},
            {"family": STORAGE, "question": "How are GPS traces stored and turned into training examples?"},
            {"family": EXPERIMENTS, "question": "Is mean absolute error the right target for riders?"},
            {"family": ERRORS, "question": "A city's GPS feed drops out. What does the app show?"},
        ],
        "expectations": _expect(
            None,
            "Routing engine plus a learned residual, per-city features, error metrics by segment.",
            "Real-time traffic features, uncertainty estimates, effect on pricing and dispatch downstream.",
        ),
    },
    {
        "title": "People you may know",
        "company_type": "faang",
        "min_level": "L4",
        "prompt": "Design friend suggestions for a social network with 2 billion users.",
        "follow_ups": [
            {
                "family": SCALE,
                "question": "Candidate generation over a graph of this size: how and how often?",
            },
            {
                "family": STORAGE,
                "question": "Where does the graph live, and how do you read friends of friends?",
            },
            {"family": EXPERIMENTS, "question": "Accepted requests go up but so do reports. What now?"},
            {"family": ERRORS, "question": "How do you avoid suggesting someone a user blocked?"},
        ],
        "expectations": _expect(
            None,
            "Graph-based candidates, a link prediction model, label from accepted requests, privacy rules.",
            "Graph growth effects, fairness across new users, sensitive-relationship risks, infrastructure cost.",
        ),
    },
    # Startups: a company, its mission, and a business element in the answer.
    {
        "title": "Fraud detection for a small-business payments startup",
        "company_type": "startup",
        "min_level": "L3",
        "company_context": "PayLoop processes card payments for 20k small businesses; its mission is to "
        "let merchants get paid the same day without being hurt by fraud.",
        "prompt": "Design PayLoop's fraud detection. Same-day payouts mean a missed fraud costs PayLoop "
        "money directly; a false alarm delays a merchant's cash.",
        "follow_ups": [
            {
                "family": BUSINESS,
                "question": "Put a cost on a false positive and a false negative. How do "
                "they set your threshold?",
            },
            {
                "family": STORAGE,
                "question": "Chargebacks arrive 30 to 90 days later. How do labels get built?",
            },
            {"family": EXPERIMENTS, "question": "How do you test a new model without risking real money?"},
            {"family": ERRORS, "question": "The model service times out. Approve, decline or hold?"},
        ],
        "expectations": _expect(
            "A supervised model from chargeback labels with a cost-aware threshold, with guidance.",
            "Label delay, class imbalance, merchant-level features, shadow mode before launch, and the "
            "payout-speed trade-off argued in money.",
            "Adversarial adaptation, rules plus model, a review queue sized to the team, and how the design "
            "lets PayLoop offer faster payouts as a product advantage.",
        ),
    },
    {
        "title": "Demand forecasting for a grocery delivery startup",
        "company_type": "startup",
        "min_level": "L3",
        "company_context": "FreshDash delivers groceries in 30 minutes from dark stores; its mission is "
        "zero food waste in fast delivery.",
        "prompt": "Design the forecasting system that decides how much of each product every FreshDash dark "
        "store orders each morning.",
        "follow_ups": [
            {
                "family": BUSINESS,
                "question": "Waste and stock-outs cost differently per product. How does "
                "the mission change your loss?",
            },
            {"family": STORAGE, "question": "What history do you keep per store and product, and how?"},
            {
                "family": EXPERIMENTS,
                "question": "How do you compare two forecasters when orders change what is sold?",
            },
            {"family": ERRORS, "question": "A store opens next week with no history. What do you order?"},
        ],
        "expectations": _expect(
            "A per-product forecast with seasonality and a sensible error metric.",
            "Hierarchical or global models, censored demand from stock-outs, a loss weighted by waste cost.",
            "Promotions and weather, new-store cold start, store-level experiments, and the business case "
            "for the model against a simple baseline.",
        ),
    },
    {
        "title": "Unsupervised anomaly detection for an IoT monitoring startup",
        "company_type": "startup",
        "min_level": "L3",
        "company_context": "SensorSense sells predictive maintenance to factories; its edge is working "
        "without labelled failures, using unsupervised methods.",
        "prompt": "Design SensorSense's system that warns a factory before a machine fails, from vibration "
        "and temperature sensors, with almost no labelled failures.",
        "follow_ups": [
            {
                "family": BUSINESS,
                "question": "The company's pitch is 'no labels needed'. How does the design "
                "lean on unsupervised methods, and how do you prove value to a new customer?",
            },
            {"family": STORAGE, "question": "Sensors send 1 kHz data. What is kept raw and what aggregated?"},
            {"family": EXPERIMENTS, "question": "How do you evaluate without labels?"},
            {"family": ERRORS, "question": "A sensor is recalibrated and every reading shifts. What fires?"},
        ],
        "expectations": _expect(
            "An unsupervised baseline (thresholds, isolation forest or autoencoder) with help on evaluation.",
            "Per-machine baselines, drift vs anomaly, alert budgets agreed with operators, weak labels from "
            "maintenance logs.",
            "Edge vs cloud inference, fleet-level transfer to new customers, feedback loops from operator "
            "actions, and pricing tied to avoided downtime.",
        ),
    },
    {
        "title": "Matching tutors to students for an edtech startup",
        "company_type": "startup",
        "min_level": "L3",
        "company_context": "TutorLift connects students with volunteer tutors; its mission is that every "
        "student who asks for help gets a good tutor within a day.",
        "prompt": "Design how TutorLift recommends tutors for a new help request.",
        "follow_ups": [
            {
                "family": BUSINESS,
                "question": "Volunteer tutors churn if overloaded. How does the ranking protect supply?",
            },
            {"family": STORAGE, "question": "Which signals about past sessions do you store and use?"},
            {"family": EXPERIMENTS, "question": "A two-sided marketplace: what do you randomise?"},
            {"family": ERRORS, "question": "A tutor's ratings are manipulated. How would you notice?"},
        ],
        "expectations": _expect(
            "A ranking from subject fit and ratings with a simple label (session completed, rated well).",
            "Two-sided objectives, capacity constraints, cold start for new tutors, fairness across students.",
            "Marketplace experiments, long-term retention of both sides, and the mission metric as the north star.",
        ),
    },
    {
        "title": "Document extraction for a legal-tech startup",
        "company_type": "startup",
        "min_level": "L4",
        "company_context": "ClauseIQ reads contracts for small law firms; its mission is to cut contract "
        "review time in half for firms that cannot afford large teams.",
        "prompt": "Design ClauseIQ's system that extracts parties, dates, obligations and risky clauses "
        "from uploaded contracts.",
        "follow_ups": [
            {
                "family": BUSINESS,
                "question": "A missed risky clause could cost a client dearly. How does the "
                "product present uncertainty to a lawyer?",
            },
            {
                "family": STORAGE,
                "question": "Contracts are confidential. Where do documents and model inputs live?",
            },
            {"family": EXPERIMENTS, "question": "How do you show review time actually halved?"},
            {"family": ERRORS, "question": "A scanned PDF comes back with garbled OCR. What happens?"},
        ],
        "expectations": _expect(
            None,
            "OCR plus extraction models vs a large language model, annotation with lawyers, per-field metrics.",
            "Data privacy and client isolation, human-in-the-loop review, cost per document, and the "
            "measurement of time saved as the business proof.",
        ),
    },
    {
        "title": "Personalised onboarding for a fitness app startup",
        "company_type": "startup",
        "min_level": "L3",
        "company_context": "StrideUp is a subscription running app; its mission is to get beginners to "
        "their first 5k without injury.",
        "prompt": "Design the model that picks each new user's first four weeks of training plan from their "
        "onboarding answers and first runs.",
        "follow_ups": [
            {
                "family": BUSINESS,
                "question": "Trial conversion pays the bills; the mission says no injuries. "
                "How do both enter the objective?",
            },
            {"family": STORAGE, "question": "What do you store from each run, and for how long?"},
            {"family": EXPERIMENTS, "question": "How long must an experiment run to see retention?"},
            {"family": ERRORS, "question": "A watch sends impossible paces. How is it handled?"},
        ],
        "expectations": _expect(
            "A rules-plus-model plan choice with a clear success label.",
            "Contextual bandits vs supervised models, delayed outcomes, health-data privacy.",
            "Safety constraints as hard limits, long-horizon experiments, and tying retention to revenue.",
        ),
    },
    {
        "title": "Lead scoring for a B2B SaaS startup",
        "company_type": "startup",
        "min_level": "L4",
        "company_context": "Pipewise sells a CRM to 3,000 mid-size companies; its mission is to let "
        "small sales teams spend time only on leads that will buy.",
        "prompt": "Design Pipewise's lead scoring that ranks each customer's inbound leads for their sales "
        "team.",
        "follow_ups": [
            {
                "family": BUSINESS,
                "question": "One model for all customers or one per customer? What does "
                "each cost Pipewise and give the customer?",
            },
            {
                "family": STORAGE,
                "question": "Customer data must stay separate. How is training data organised?",
            },
            {
                "family": EXPERIMENTS,
                "question": "Sales reps follow the scores, changing outcomes. How do you evaluate fairly?",
            },
            {"family": ERRORS, "question": "A customer changes their CRM stages. What breaks?"},
        ],
        "expectations": _expect(
            None,
            "Label definition (closed-won within N days), global model with per-customer calibration, "
            "leakage from CRM fields.",
            "Multi-tenant privacy, selection bias from reps' behaviour, explanations for reps, and pricing "
            "the feature.",
        ),
    },
    {
        "title": "Crop disease detection for an agritech startup",
        "company_type": "startup",
        "min_level": "L3",
        "company_context": "LeafWise helps smallholder farmers; its mission is diagnosis from a phone photo "
        "in places with poor connectivity.",
        "prompt": "Design LeafWise's system that identifies crop diseases from photos taken by farmers.",
        "follow_ups": [
            {
                "family": BUSINESS,
                "question": "Farmers pay little or nothing. Who pays, and how does that "
                "shape what the model must do?",
            },
            {
                "family": SCALE,
                "question": "Must it run offline on low-end phones? What does that do to model choice?",
            },
            {"family": EXPERIMENTS, "question": "Ground truth needs an agronomist. How do you evaluate?"},
            {"family": ERRORS, "question": "A photo is blurry or of the wrong plant. What does the app say?"},
        ],
        "expectations": _expect(
            "A transfer-learned image classifier with a labelled set and per-class metrics.",
            "On-device vs server inference trade-offs, label noise, class imbalance across regions.",
            "Distribution shift across regions and seasons, active learning with agronomists, and a "
            "sustainable business model behind the system.",
        ),
    },
]


def load_question_bank(question_model) -> None:
    """Create or refresh the seeded questions (by title); staff-added questions are left alone."""
    for spec in QUESTIONS:
        fields = {"max_level": "L5", **spec}
        question_model.objects.update_or_create(title=fields.pop("title"), defaults=fields)
