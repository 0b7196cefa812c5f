"""The codebook and outline skeleton every new project starts with."""

from __future__ import annotations

# (name, colour, description, is_stance). Stance colours are far apart in hue
# and lightness so they stay distinct for colour-blind readers too.
DEFAULT_TAGS: tuple[tuple[str, str, str, bool], ...] = (
    (
        "Controls backfire",
        "#e8743b",
        "Evidence that export controls hurt the US or speed up Chinese self-reliance.",
        True,
    ),
    ("Controls work", "#2a7ab9", "Evidence that export controls slow China's access to advanced technology.", True),
    ("Semiconductors", "#9bc53d", "Chips, chip-making equipment, HBM, foundries.", False),
    ("AI models", "#b07cc6", "Large models, training compute, AI applications.", False),
    ("Supply chains", "#f2c14e", "Localisation, substitution, industrial and supply-chain policy.", False),
    ("Talent and research", "#5bc0be", "Researchers, universities, R&D spending, basic science.", False),
    ("Policy history", "#a0a0a0", "How the controls came about: Trump, Biden, 'small yard, high fence'.", False),
    ("Industry voices", "#e5989b", "What firms such as Nvidia, Huawei or their executives say.", False),
)

STANCE_BACKFIRE = "Controls backfire"
STANCE_WORK = "Controls work"

# (title, notes, stance tag name or None)
DEFAULT_OUTLINE: tuple[tuple[str, str, str | None], ...] = (
    ("Background", "What the controls are and how they grew.", None),
    (STANCE_BACKFIRE, "The case that the controls hurt US interests.", STANCE_BACKFIRE),
    (STANCE_WORK, "The case that the controls achieve their aim.", STANCE_WORK),
    ("Assessment", "Weighing the two cases.", None),
    ("Recommendations", "", None),
)
