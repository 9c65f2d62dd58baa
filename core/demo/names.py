"""Word pools for the demo team's prospects, companies and notes (plain ASCII e-mails)."""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Camille", "Julien", "Sophie", "Nicolas", "Claire", "Antoine", "Laura", "Thomas", "Emma",
    "Lucas", "Manon", "Maxime", "Léa", "Romain", "Sarah", "Mathieu", "Julie", "Pierre",
    "Anaïs", "Quentin", "Élodie", "Vincent", "Pauline", "Florian", "Marion", "Benoît",
    "Céline", "Yann", "Hélène", "Arnaud", "Nadia", "Karim", "Lina", "Olivier", "Agnès",
)
LAST_NAMES: tuple[str, ...] = (
    "Lefebvre", "Fontaine", "Mercier", "Blanc", "Guerin", "Faure", "Andre", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Rousseau", "Chevalier", "Muller",
    "Henry", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Masson",
    "Marchand", "Duval", "Denis", "Lemoine", "Roche", "Renaud", "Colin", "Vidal", "Caron",
)
COMPANY_HEADS: tuple[str, ...] = (
    "Alpes", "Atlantique", "Bastide", "Boréal", "Cèdre", "Delta", "Émeraude", "Forge",
    "Garonne", "Horizon", "Iris", "Jura", "Lumen", "Loire", "Méridien", "Nova", "Opale",
    "Orion", "Pixel", "Quartz", "Rhône", "Saphir", "Sillon", "Tilleul", "Vauban", "Zénith",
)
COMPANY_TAILS: tuple[str, ...] = (
    "Logistique", "Industries", "Conseil", "Digital", "Santé", "Distribution", "Énergie",
    "Immobilier", "Transports", "Agro", "Bâtiment", "Finance", "Retail", "Services", "Tech",
)
COMPANY_FORMS: tuple[str, ...] = ("SA", "SAS", "SARL", "Group", "& Cie", "")
NEEDS: tuple[str, ...] = (
    "CRM rollout", "sales training", "field team equipment", "annual licence",
    "pilot project", "multi-site deployment", "support contract", "data migration",
)
DECIDERS: tuple[str, ...] = (
    "CEO", "Sales director", "CFO", "Purchasing manager", "IT director", "Founder",
)
LIST_NAMES: tuple[str, ...] = (
    "Trade show — Lyon", "Webinar sign-ups", "Purchased file — Retail",
)
CALL_NOTES: tuple[str, ...] = (
    "", "", "", "", "Interested, wants a demo", "Call back after the holidays",
    "Asked for a brochure", "Has a provider, contract ends soon", "Voicemail left",
)
LOST_NOTES: tuple[str, ...] = (
    "Chose a competitor", "No budget this year", "Price too high", "Went silent",
)
