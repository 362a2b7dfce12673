"""A deterministic corpus of ~80-word email drafts in the six languages, for the benchmarks.

    python bench/corpus.py --lang en --count 1000 --out bench/out/en   # writes 0000.txt …

Each draft is a greeting, six to eight body sentences drawn from a pool (mostly clean, some
risky), and a sign-off; the same seed always gives the same drafts.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

POOLS: dict[str, dict[str, list[str]]] = {
    "en": {
        "open": ["Hi Sarah,", "Dear Mr Patel,", "Hello Tom,", "Good morning Ms Lee,"],
        "body": [
            "Thank you for getting in touch about your order from last week.",
            "I'm sorry to hear that the parcel arrived with a damaged corner.",
            "I have checked the tracking details with our warehouse team this morning.",
            "Your replacement is packed and will leave our warehouse tomorrow before noon.",
            "I promise it will be with you by Friday.",
            "That's our policy and there is nothing I can do about it.",
            "Please calm down, we are doing what we can.",
            "As I already said, the courier is responsible for the delay.",
            "I'll call you back by 3 pm today with an update on the refund.",
            "If you prefer, we can send a voucher instead of the replacement.",
            "Could you tell me which size you would like us to send?",
            "We'll see what happens next week.",
            "My colleague Anna in billing will contact you within two working days.",
            "I understand how frustrating it is to wait for something you need.",
            "It's not my job to track parcels.",
            "We usually deliver within three working days in your area.",
        ],
        "close": ["Best regards,\nMaria from Support", "Kind regards,\nJohn", "Thanks again,\nThe Support Team"],
    },
    "ko": {
        "open": ["안녕하세요, 김민수 고객님.", "고객님, 안녕하십니까.", "이지은 고객님께,"],
        "body": [
            "주문 관련 문의 주셔서 감사합니다.",
            "상품이 파손된 상태로 도착했다니 정말 죄송합니다.",
            "오늘 오전에 물류팀과 배송 상황을 확인했습니다.",
            "교환 상품은 내일 오전 중으로 발송될 예정입니다.",
            "금요일까지 꼭 도착하도록 약속드립니다.",
            "회사 정책상 어쩔 수 없습니다.",
            "고객님, 진정하세요.",
            "제 담당 업무가 아닙니다.",
            "오늘 오후 3시까지 환불 진행 상황을 다시 연락드리겠습니다.",
            "원하시면 교환 대신 적립금으로 도와드릴 수 있습니다.",
            "어떤 사이즈로 보내 드리면 될지 알려 주시겠어요?",
            "불편을 드려 정말 죄송하고, 답답하셨을 마음 충분히 이해합니다.",
            "보통 3일 이내에 배송됩니다.",
            "담당 부서의 박지훈 매니저가 이틀 안에 연락드릴 예정입니다.",
        ],
        "close": ["감사합니다.\n고객지원팀 김하늘 드림", "좋은 하루 보내세요.\n고객센터 드림"],
    },
    "id": {
        "open": ["Halo Bapak Budi,", "Yth. Ibu Sari,", "Selamat pagi, Bapak Andi,"],
        "body": [
            "Terima kasih sudah menghubungi kami mengenai pesanan Anda.",
            "Kami mohon maaf karena paket Anda tiba dalam keadaan rusak.",
            "Pagi ini saya sudah memeriksa status pengiriman dengan tim gudang.",
            "Barang pengganti akan dikirim besok sebelum pukul 12.00.",
            "Saya janji barangnya sampai hari Jumat.",
            "Itu sudah kebijakan kami, tidak ada yang bisa saya lakukan.",
            "Tolong tenang dulu, Pak.",
            "Itu bukan tugas saya.",
            "Saya akan menghubungi Bapak kembali paling lambat pukul 15.00 hari ini.",
            "Jika Ibu berkenan, kami bisa mengganti dengan voucer belanja.",
            "Boleh saya tahu ukuran yang Bapak inginkan?",
            "Saya mengerti betapa tidak nyamannya menunggu kiriman yang dibutuhkan.",
            "Biasanya pengiriman ke daerah Anda memakan waktu tiga hari kerja.",
            "Rekan saya, Ibu Dewi dari bagian keuangan, akan menghubungi Anda dalam dua hari kerja.",
        ],
        "close": ["Salam hormat,\nRina, Layanan Pelanggan", "Terima kasih,\nTim Layanan Pelanggan"],
    },
    "da": {
        "open": ["Hej Mette,", "Kære Lars,", "Hej Jonas,"],
        "body": [
            "Tak fordi du skrev til os om din ordre.",
            "Jeg er ked af, at pakken kom frem med en skadet kant.",
            "Jeg har i morges tjekket forsendelsen med vores lager.",
            "Din nye vare bliver sendt i morgen inden kl. 12.",
            "Jeg lover, at den er hos dig på fredag.",
            "Det er vores politik, og der er ikke noget, jeg kan gøre.",
            "Nu skal du lige slappe af.",
            "Det er ikke mit job.",
            "Jeg ringer til dig i dag inden kl. 15 med en opdatering om refusionen.",
            "Hvis du foretrækker det, kan vi sende et gavekort i stedet.",
            "Vil du fortælle mig, hvilken størrelse du gerne vil have?",
            "Jeg forstår godt, at det er frustrerende at vente.",
            "Vi leverer normalt inden for tre hverdage i dit område.",
            "Min kollega Anne fra bogholderiet kontakter dig inden for to hverdage.",
        ],
        "close": ["Venlig hilsen\nSofie, Kundeservice", "Mange hilsner\nKundeservice"],
    },
    "tr": {
        "open": ["Merhaba Ayşe Hanım,", "Sayın Mehmet Bey,", "İyi günler Can Bey,"],
        "body": [
            "Siparişinizle ilgili bize ulaştığınız için teşekkür ederiz.",
            "Paketinizin hasarlı ulaşmasından dolayı çok üzgünüz.",
            "Bu sabah kargo durumunu depo ekibimizle kontrol ettim.",
            "Yeni ürününüz yarın öğlene kadar kargoya verilecek.",
            "Cuma gününe kadar elinizde olacağına söz veriyorum.",
            "Bu bizim politikamız, yapabileceğim bir şey yok.",
            "Lütfen sakin olun.",
            "Bu benim işim değil.",
            "Bugün saat 15.00'e kadar iade konusunda sizi tekrar arayacağım.",
            "İsterseniz değişim yerine hediye çeki de gönderebiliriz.",
            "Hangi bedeni göndermemizi istediğinizi öğrenebilir miyim?",
            "Beklemenin ne kadar can sıkıcı olduğunu çok iyi anlıyorum.",
            "Bölgenize teslimat genellikle üç iş günü sürüyor.",
            "Muhasebe biriminden arkadaşım Elif Hanım iki iş günü içinde sizinle iletişime geçecek.",
        ],
        "close": ["Saygılarımla,\nZeynep, Müşteri Hizmetleri", "İyi günler dileriz,\nMüşteri Hizmetleri"],
    },
    "hi": {
        "open": ["नमस्ते राहुल जी,", "प्रिय सुनीता जी,", "नमस्कार अमित जी,"],
        "body": [
            "अपने ऑर्डर के बारे में हमसे संपर्क करने के लिए धन्यवाद।",
            "हमें खेद है कि आपका पार्सल टूटी हालत में पहुँचा।",
            "आज सुबह मैंने गोदाम की टीम से डिलीवरी की स्थिति जाँची है।",
            "आपका नया सामान कल दोपहर से पहले भेज दिया जाएगा।",
            "मैं वादा करता हूँ कि शुक्रवार तक सामान पहुँच जाएगा।",
            "यह हमारी पॉलिसी है, मैं इसमें कुछ नहीं कर सकता।",
            "आप शांत हो जाइए।",
            "यह मेरा काम नहीं है।",
            "मैं आज दोपहर 3 बजे तक रिफ़ंड के बारे में आपको दोबारा फ़ोन करूँगा।",
            "अगर आप चाहें, तो हम बदले में वाउचर भी भेज सकते हैं।",
            "क्या आप बता सकते हैं कि आपको कौन सा साइज़ चाहिए?",
            "मैं समझता हूँ कि इंतज़ार करना कितना परेशान करने वाला होता है।",
            "आपके इलाके में डिलीवरी आम तौर पर तीन कार्यदिवस में होती है।",
            "बिलिंग विभाग से मेरी सहकर्मी प्रिया दो कार्यदिवस में आपसे संपर्क करेंगी।",
        ],
        "close": ["सादर,\nनेहा, ग्राहक सेवा", "धन्यवाद,\nग्राहक सेवा टीम"],
    },
}


def drafts(lang: str, count: int, seed: int = 7) -> list[str]:
    """`count` drafts of about 80 words (Korean: about 40 eojeol) for `lang`, the same for the same seed."""
    pool = POOLS[lang]
    rng = random.Random(f"{lang}:{seed}")
    result = []
    for _ in range(count):
        body = rng.sample(pool["body"], rng.randint(6, 8))
        result.append("\n\n".join([rng.choice(pool["open"]), " ".join(body), rng.choice(pool["close"])]) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=sorted(POOLS), required=True)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(drafts(args.lang, args.count, args.seed)):
        (args.out / f"{i:04d}.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
