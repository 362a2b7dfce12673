"""The language layer: normalisation, tokens and lemmas, language detection for the six languages."""

LANGUAGES: tuple[str, ...] = ("en", "ko", "id", "da", "tr", "hi")

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "ko": "Korean",
    "id": "Indonesian",
    "da": "Danish",
    "tr": "Turkish",
    "hi": "Hindi",
}
