"""The compact language-ID model must score exactly as py3langid's own identifier does."""

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from coach.language import LANGUAGES
from coach.language.detect import _classify

TEXTS = [
    "Thank you for waiting, I will call you back by 3 pm with the tracking number.",
    "Terima kasih, Bapak. Pesanan akan kami kirim besok pagi dan nomor resinya kami kabarkan.",
    "Tak for din besked. Vi sender varerne i morgen og ringer til dig, når de er på vej.",
    "Beklettiğiniz için teşekkür ederiz, siparişiniz yarın kargoya verilecek.",
    "Bonjour, je voudrais savoir où en est ma commande, merci d'avance.",
    "Guten Tag, leider ist meine Bestellung noch nicht angekommen.",
    "Hola, quisiera saber cuándo llega mi pedido.",
    "PLEASE CALL ME BACK TODAY",
    "고객님, 주문하신 상품은 내일 오전에 도착합니다.",
    "आपका ऑर्डर कल सुबह तक पहुँच जाएगा।",
    "ok 👍 ✔",
    "",
]


@pytest.fixture(scope="module")
def reference() -> tuple[LanguageIdentifier, LanguageIdentifier]:
    full = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ours = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ours.set_languages(LANGUAGES)
    return full, ours


@pytest.mark.parametrize("text", TEXTS)
def test_scores_as_py3langid(reference, text: str) -> None:
    full, ours = reference
    (top, probability), (best, best_probability) = _classify(text)
    expected_top, expected_probability = full.classify(text)
    expected_best, expected_best_probability = ours.classify(text)
    assert (top, best) == (expected_top, expected_best)
    assert probability == pytest.approx(expected_probability, abs=1e-5)
    assert best_probability == pytest.approx(expected_best_probability, abs=1e-5)
