"""The built-in KPIs' texts in other languages than English (``KPISpec.translations``).

Keep each entry in step with :data:`smm_kpis.definitions.BUILTINS`: a test fails when an
English field changes without its translation, or a KPI has none.
"""

from __future__ import annotations

from smm_kpis.definitions import BEST_TIME_MIN_POSTS, BEST_TIME_WEEKS, TOP_POSTS_N

ENGAGEMENTS_IT = (
    "interazioni = mi piace + condivisioni + risposte + citazioni (salvataggi e clic esclusi; "
    "un contatore sconosciuto vale 0, un post con tutti e quattro sconosciuti è escluso)"
)

IT: dict[str, dict[str, str]] = {
    "follower_growth": {
        "label": "Crescita follower",
        "description": "Follower guadagnati (o persi) nel periodo.",
        "formula": "follower all'ultima rilevazione nel periodo - follower all'ultima "
        "rilevazione prima del periodo (o, senza, alla prima rilevazione nel periodo); "
        "sommati sui canali dell'ambito in cui entrambi sono noti",
        "aggregation": "somma delle differenze per canale",
        "unit": "follower",
    },
    "follower_growth_rate": {
        "label": "Tasso di crescita follower",
        "description": "Crescita dei follower rispetto ai follower iniziali, in %.",
        "formula": "Σ (follower alla fine - follower all'inizio) / Σ follower all'inizio x 100, "
        "sui canali dell'ambito in cui entrambi sono noti (inizio e fine come nella crescita "
        "follower)",
        "aggregation": "rapporto di somme sui canali",
    },
    "posts_per_week": {
        "label": "Post a settimana",
        "description": "Post propri pubblicati a settimana (frequenza di pubblicazione).",
        "formula": "numero di post propri (condivisioni escluse) creati nel periodo / "
        "(giorni del periodo / 7)",
        "aggregation": "somma",
        "unit": "post/settimana",
    },
    "engagement_rate_followers": {
        "label": "Tasso di engagement sui follower",
        "description": "Interazioni per post rispetto ai follower dell'account, in %.",
        "formula": "media sui post di interazioni / follower nel giorno di pubblicazione x "
        "100; follower = l'ultima rilevazione del giorno di pubblicazione nel fuso orario del "
        "cliente, o l'ultima precedente; i post con follower sconosciuti o zero sono esclusi; "
        + ENGAGEMENTS_IT,
        "aggregation": "media dei rapporti (per post)",
    },
    "engagement_rate_views": {
        "label": "Tasso di engagement sulle visualizzazioni",
        "description": "Interazioni rispetto alle visualizzazioni (o impression), dove la rete "
        "le fornisce, in %.",
        "formula": "Σ interazioni / Σ visualizzazioni x 100 (impression dove le "
        "visualizzazioni sono sconosciute), sui post con visualizzazioni o impression note; "
        + ENGAGEMENTS_IT,
        "aggregation": "rapporto di somme",
    },
    "applause_rate": {
        "label": "Tasso di apprezzamento",
        "description": "Mi piace per post (applause rate di Kaushik).",
        "formula": "Σ mi piace / numero di post, sui post con mi piace noti",
        "aggregation": "rapporto di somme (= media per post)",
        "unit": "mi piace/post",
    },
    "conversation_rate": {
        "label": "Tasso di conversazione",
        "description": "Risposte per post (conversation rate di Kaushik).",
        "formula": "Σ risposte / numero di post, sui post con risposte note",
        "aggregation": "rapporto di somme (= media per post)",
        "unit": "risposte/post",
    },
    "amplification_rate": {
        "label": "Tasso di amplificazione",
        "description": "Condivisioni per post (amplification rate di Kaushik).",
        "formula": "Σ condivisioni / numero di post, sui post con condivisioni note (le "
        "citazioni non sono contate qui)",
        "aggregation": "rapporto di somme (= media per post)",
        "unit": "condivisioni/post",
    },
    "virality_rate": {
        "label": "Tasso di viralità",
        "description": "Condivisioni rispetto alle visualizzazioni (o impression), in %.",
        "formula": "Σ condivisioni / Σ visualizzazioni x 100 (impression dove le "
        "visualizzazioni sono sconosciute), sui post con condivisioni e visualizzazioni o "
        "impression note",
        "aggregation": "rapporto di somme",
    },
    "share_of_voice": {
        "label": "Quota di voce",
        "description": "La quota delle interazioni del gruppo che va al cliente (o a un "
        "concorrente), in %.",
        "formula": "interazioni sui post del proprietario / interazioni sui post del cliente e "
        f"di ogni concorrente in smm.toml x 100; {ENGAGEMENTS_IT}; ambiti: il cliente e ogni "
        "concorrente (le quote dei proprietari con interazioni note sommano a 100)",
        "aggregation": "rapporto di somme",
    },
    "best_time_to_post": {
        "label": "Orario migliore per pubblicare",
        "description": "Il giorno e l'ora (fuso orario del cliente) i cui post ricevono più "
        "interazioni.",
        "formula": "media delle interazioni per post per ogni giorno x ora del fuso orario del "
        f"cliente, sulle {BEST_TIME_WEEKS} settimane che finiscono l'ultimo giorno del "
        "periodo; valore = la media della cella migliore tra le celle con almeno "
        f"{BEST_TIME_MIN_POSTS} post (tutte le celle se nessuna ne ha tanti); dettaglio = la "
        f"griglia 7 x 24 e le fasce migliori; {ENGAGEMENTS_IT}",
        "aggregation": "media per cella giorno x ora",
        "unit": "interazioni/post",
    },
    "top_posts": {
        "label": "Post migliori",
        "description": "I post del periodo con più interazioni.",
        "formula": "valore = il numero di post propri nel periodo; dettaglio = i primi "
        f"{TOP_POSTS_N} per interazioni (a parità, il più recente prima), con testo, link e "
        f"contatori; {ENGAGEMENTS_IT}",
        "aggregation": "conteggio; classifica per interazioni per post",
        "unit": "post",
    },
    "network_renewal_rate": {
        "label": "Tasso di rinnovo della rete",
        "description": "Quota degli account che hanno interagito nel periodo e non in quello "
        "precedente, in %.",
        "formula": "account che hanno interagito con i canali dell'ambito nel periodo ma non "
        "nel periodo di pari durata appena precedente / account che hanno interagito nel "
        "periodo x 100 (interazioni con un orario noto; un account è rete + handle)",
        "aggregation": "rapporto di account distinti",
    },
    "new_followers": {
        "label": "Nuovi follower (giornalieri)",
        "description": "Follower guadagnati nel periodo, come la rete li conta giorno per "
        "giorno (LinkedIn Nuovi follower, Meta follow di Facebook/Instagram).",
        "formula": "Σ sui giorni del periodo dei new_followers giornalieri che la rete indica "
        "per l'account (giorni come li data la rete); gli unfollow non sono "
        "sottratti; i giorni senza valore sono esclusi (dettaglio: days_known su "
        "days_in_period); sconosciuto se nessun giorno è noto",
        "aggregation": "somma su giorni e canali",
        "unit": "follower",
    },
    "profile_views": {
        "label": "Visite al profilo e alla pagina",
        "description": "Visite al profilo o alla pagina dell'account nel periodo, come la rete "
        "le conta giorno per giorno.",
        "formula": "Σ sui giorni del periodo delle profile_views giornaliere (TikTok "
        "visualizzazioni del profilo, Instagram visite al profilo), o delle page_views dove "
        "la rete indica quelle (LinkedIn visualizzazioni della pagina, Facebook visite); i "
        "giorni senza valore sono esclusi (dettaglio: days_known su days_in_period); "
        "sconosciuto se nessun giorno è noto",
        "aggregation": "somma su giorni e canali",
        "unit": "visualizzazioni",
    },
}
"""Italian texts of the built-in KPIs."""

TRANSLATIONS: dict[str, dict[str, dict[str, str]]] = {
    name: {"it": fields} for name, fields in IT.items()
}
"""KPI name -> language -> field -> text: what ``KPISpec.translations`` receives."""
