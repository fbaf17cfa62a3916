"""Names and places of the nusantara generator: pools of common Indonesian names, and how each culture builds one."""

# ruff: noqa: SIM905 (name pools as one string each: hundreds of names read better as text than as a column)
from __future__ import annotations

import random

JAVANESE_F = (
    "Sri Siti Endang Rahayu Lestari Wulandari Ningsih Sulastri Suparmi Wahyuni Puji Tutik Yuliani "
    "Kartini Sumarni Indah Ratna Nining Warsini Sukesi"
).split()


JAVANESE_M = (
    "Budi Agus Slamet Sugeng Purwanto Wahyu Joko Bambang Hadi Sutrisno Suyanto Teguh Heru Gunawan "
    "Setiawan Prasetyo Wibowo Santoso Kuncoro Bayu"
).split()


ORDER_JV = "Eko Dwi Tri Catur".split()


SUNDANESE_F = "Euis Neneng Iis Entin Imas Lilis Yayah Cucu Nenden Rina".split()


SUNDANESE_M = "Asep Ujang Dadang Cecep Yayan Dede Engkos Aceng Ujang Ade".split()


BALI_ORDER = "Wayan Putu Gede Made Kadek Nengah Nyoman Komang Ketut".split()


BALI_F = "Ayu Sri Ari Dewi Sukma Wulan Mirah Astiti Candra Puspa".split()


BALI_M = "Adi Agus Arya Bagus Darma Eka Surya Widi Yoga Krisna".split()


BATAK_CLANS = (
    "Siregar Nasution Simanjuntak Sitompul Hutapea Lubis Harahap Situmorang Pardede Manurung "
    "Sinaga Panjaitan Simatupang Tambunan"
).split()


EAST_CLANS = "Mandagi Rumengan Sumampouw Wenas Latuconsina Pattinasarani Tuhumury Sahetapy".split()


CHRISTIAN_F = "Maria Yohana Debora Ester Grace Lidia Ruth Elisabet Natalia Monika".split()


CHRISTIAN_M = "Yohanes Daniel Samuel Yosua Petrus Markus Fransiskus Andreas Stefanus".split()


ARABIC_F = (
    "Aisyah Fatimah Khadijah Zahra Nurhaliza Salsabila Azzahra Nabila Annisa Syifa Zulaikha "
    "Rahmawati Hafizah Maryam Rizkia"
).split()


ARABIC_M = (
    "Muhammad Ahmad Abdul Rizky Fauzi Ilham Fajar Hasan Husein Ridwan Syahrul Rahman Hidayat "
    "Zainal Akbar Ikhsan Khairul Yusuf"
).split()


MODERN_F = (
    "Aurel Keisha Nayla Alya Cinta Kirana Nadia Citra Shinta Amelia Vanesa Dinda Putri Tiara "
    "Anggun Intan Mutiara Bunga Melati Safira"
).split()


MODERN_M = (
    "Naufal Rafi Dimas Bagas Raka Kevin Reza Arkan Fikri Galih Aditya Rangga Bima Ardi Yoga Farel "
    "Alvin Dafa Pratama Saputra"
).split()


CHINESE_FAMILY = "Wijaya Halim Gunawan Tanoto Kurniawan Susanto Hartono Salim Tanuwijaya".split()


MIDDLE_F = "Nur Dwi Ayu Putri Sari Indah Dewi Kurnia Ratna".split()


MIDDLE_M = "Nur Dwi Adi Putra Eka Jaya Aji Ramadhan Maulana".split()


PET_NAMES_F = "Neng Nonik Upik Butet Cici Dedek Ucil Mimi Nunung Ayu".split()


PET_NAMES_M = "Ucok Otong Udin Dedek Ipul Ujang Bowo Kacung Entong Buyung".split()


HONORIFICS = "An. Anak Sdri. Sdr. Adik Nona".split()


# Spelling variants an officer may write for the same sound.
SOUND_SWAPS = [
    ("y", "i"),
    ("i", "y"),
    ("z", "s"),
    ("f", "p"),
    ("kh", "h"),
    ("sy", "s"),
    ("ph", "f"),
    ("q", "k"),
    ("u", "o"),
    ("v", "f"),
    ("ai", "ay"),
    ("th", "t"),
]


OLD_SPELLINGS = [("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j"), ("sy", "sj"), ("ny", "nj")]


# Province codes with rough weights (more children recorded where more people live) and a few regencies each.
PROVINCES = {
    "31": 11,
    "32": 48,
    "33": 36,
    "35": 40,
    "36": 12,
    "51": 4,
    "12": 15,
    "73": 9,
    "71": 3,
    "81": 2,
    "64": 4,
    "52": 5,
    "34": 4,
    "18": 9,
    "61": 5,
}


VILLAGE_WORDS = (
    "Sukamaju|Sidomulyo|Karanganyar|Tanjung|Sumbersari|Mekarsari|Banjarsari|Sukajadi|Margorejo|"
    "Rejosari|Cikupa|Pasir Putih|Kampung Baru|Air Hitam|Batu Merah"
).split("|")


STREETS = (
    "Jl. Kenari|Jl. Rajawali|Jl. Cendrawasih|Jl. Beringin|Jl. Nusa Indah|Jl. Teratai|Jl. Kartini|"
    "Jl. Hasanuddin|Jl. Pattimura|Jl. Sisingamangaraja|Gg. Mushola|Gg. Damai"
).split("|")


# Javanese and Sundanese names are built from syllables with a gendered ending: beside the common
# names above, thousands of rarer ones (Sugiyanto, Warsinah, Kusnadi, Parmini).
JV_HEADS = (
    "Su Sri Sugi Supar Har Wi Pur Sar Tu Ra Mar Yu Ka Dar Par Sul Wa Sum Suk Kus Jum Rus Ngat Tar Was Ja Gi Sam Tri Har"
).split()


JV_MIDDLES = "|ti|ri|yo|di|ma|na|wi|to|sa|ja|ha|ra|la|ni|ya".split("|")


JV_ENDS_M = "no to yanto man di win mo jo ono wan adi tono nadi min".split()


JV_ENDS_F = "ni ti yati mi wati nah ningsih yem sih tun ah nem rah".split()


SU_HEADS = "A U E Ce Da Ya Nen I En Ka Ju Ro Ti Nu Ai".split()


SU_ENDS_M = "sep jang dang cep yan kos ceng de man nung dun".split()


SU_ENDS_F = "is neng tin mas lis yah cu den na nah ah".split()


def _built(rng: random.Random, heads: list[str], middles: list[str], ends: list[str]) -> str:
    return (rng.choice(heads) + rng.choice(middles) + rng.choice(ends)).capitalize()


def _name(rng: random.Random, culture: str, female: bool, family: list[str] | None) -> tuple[list[str], int]:
    """A whole name as tokens and how many of them are given names."""
    pick = rng.choice

    def javanese() -> str:
        if rng.random() < 0.4:
            return pick(JAVANESE_F if female else JAVANESE_M)
        return _built(rng, JV_HEADS, JV_MIDDLES, JV_ENDS_F if female else JV_ENDS_M)

    def sundanese() -> str:
        if rng.random() < 0.4:
            return pick(SUNDANESE_F if female else SUNDANESE_M)
        return _built(rng, SU_HEADS, ["", *JV_MIDDLES[:6]], SU_ENDS_F if female else SU_ENDS_M)

    if culture == "javanese":
        if rng.random() < 0.45:
            return [javanese()], 1  # a single name
        first = pick(ORDER_JV) if rng.random() < 0.2 else javanese()
        return [first, javanese()], 2
    if culture == "sundanese":
        if rng.random() < 0.4:
            return [sundanese()], 1
        return [sundanese(), pick(MODERN_F if female else MODERN_M)], 2
    if culture == "balinese":
        prefix = ["Ni"] if female else (["I"] if rng.random() < 0.7 else [])
        return [
            *prefix,
            pick(BALI_ORDER),
            *([pick(BALI_F if female else BALI_M)] * 1),
            *([pick(BALI_F if female else BALI_M)] if rng.random() < 0.5 else []),
        ], 99
    if culture in ("batak", "east"):
        clan = family or [pick(BATAK_CLANS if culture == "batak" else EAST_CLANS)]
        given = [pick(CHRISTIAN_F if female else CHRISTIAN_M)]
        if rng.random() < 0.4:
            given.append(pick(MODERN_F if female else MODERN_M))
        return [*given, *clan], len(given)
    if culture == "chinese":
        surname = family or [pick(CHINESE_FAMILY)]
        return [pick(MODERN_F + CHRISTIAN_F if female else MODERN_M + CHRISTIAN_M), *surname], 1
    if culture == "arabic":
        words = [pick(ARABIC_F if female else ARABIC_M)]
        if rng.random() < 0.7:
            words.append(pick(MIDDLE_F if female else MIDDLE_M))
        if rng.random() < 0.5:
            words.append(pick(ARABIC_F + MODERN_F if female else ARABIC_M + MODERN_M))
        if words[0] == "Muhammad" and len(words) == 1:
            words.append(pick(ARABIC_M))
        return words, 99
    words = [pick(MODERN_F if female else MODERN_M)]
    if rng.random() < 0.6:
        words.append(pick(MIDDLE_F if female else MIDDLE_M))
    if rng.random() < 0.3:
        words.append(pick(MODERN_F if female else MODERN_M))
    return words, 99


CULTURES = {
    "javanese": 34,
    "sundanese": 14,
    "arabic": 20,
    "modern": 16,
    "balinese": 4,
    "batak": 6,
    "east": 3,
    "chinese": 3,
}


def _call_name(rng: random.Random, tokens: list[str], female: bool) -> str:
    """What family and outreach workers call the child: part of a name, a doubled syllable or a pet name."""
    meaningful = [t for t in tokens if t not in ("Ni", "I", *BALI_ORDER, "Muhammad", "Nur")] or tokens
    word = rng.choice(meaningful)
    kind = rng.random()
    if kind < 0.35:
        return word  # one of her names
    if kind < 0.6 and len(word) >= 4:
        return word[:4] if rng.random() < 0.5 else word[:3]  # shortened: Wulandari -> Wula, Rizky -> Riz
    if kind < 0.8 and len(word) >= 3:
        syllable = word[-2:].lower() if word[-1] in "aiueo" else word[-3:-1].lower()
        return (syllable * 2).capitalize()  # Kiki, Nana, Titi
    return rng.choice(PET_NAMES_F if female else PET_NAMES_M)
