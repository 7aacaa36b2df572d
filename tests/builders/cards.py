"""Business cards and QR codes drawn with Pillow from made-up identities, for the capture tests
and benchmark: several fonts (Debian's DejaVu and Liberation, found at run time), layouts,
accented names, logos, and the degradations of a phone photo (rotation, blur, JPEG, a table
under the card). Nothing here is copied: names come from short lists written for kithkin."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

GIVEN = [
    "Dana", "Amara", "Anders", "Aurélie", "Bjørn", "Chidi", "Émile", "Farah", "Grete", "Hana",
    "Inès", "Jovana", "Kofi", "Lúcia", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa",
    "Sven", "Tomás", "Ulla", "Wen", "Yusuf", "Zoë", "Helen", "Marcus", "Olivia", "Peter",
]  # fmt: skip
FAMILY = [
    "Whitfield", "Okafor", "Lindqvist", "Moreau", "Brennan", "Sánchez", "Kowalski", "Haddad",
    "Nakamura", "Øster", "Fischer", "Duarte", "Abernathy", "Castellanos", "Iversen", "Mbeki",
    "Novák", "Petrović", "Quinlan", "Rahman", "Schäfer", "Thornton", "Varga", "Yilmaz",
]  # fmt: skip
TITLES = [
    "Chief Executive Officer", "Head of Partnerships", "Director of Operations",
    "Senior Product Manager", "Founder", "Principal Engineer", "VP Sales", "Managing Partner",
    "Marketing Director", "Lead Designer",
]  # fmt: skip
ORG_WORDS = ["Northwind", "Bluefin", "Copperleaf", "Halcyon", "Juniper", "Meridian", "Stonebridge"]
ORG_KINDS = ["Labs", "Group", "Inc.", "GmbH", "Partners", "Studio", "Capital"]
CITIES = [
    ("120 Market Street", "San Francisco, CA 94105", "US", "+1 415 555 {:04d}"),
    ("8 Baker Lane", "London W1U 3BW", "GB", "+44 20 7946 {:04d}"),
    ("Friedrichstraße 12", "10117 Berlin", "DE", "+49 30 5550{:04d}"),
    ("14 rue de la Paix", "75002 Paris", "FR", "+33 1 42 55 {:02d} {:02d}"),
]
FONT_FILES = [
    "dejavu/DejaVuSans.ttf",
    "dejavu/DejaVuSerif.ttf",
    "liberation2/LiberationSans-Regular.ttf",
    "liberation2/LiberationSerif-Regular.ttf",
    "liberation/LiberationSans-Regular.ttf",
]
BOLD = {
    "dejavu/DejaVuSans.ttf": "dejavu/DejaVuSans-Bold.ttf",
    "dejavu/DejaVuSerif.ttf": "dejavu/DejaVuSerif-Bold.ttf",
    "liberation2/LiberationSans-Regular.ttf": "liberation2/LiberationSans-Bold.ttf",
    "liberation2/LiberationSerif-Regular.ttf": "liberation2/LiberationSerif-Bold.ttf",
    "liberation/LiberationSans-Regular.ttf": "liberation/LiberationSans-Bold.ttf",
}
FONT_DIR = Path("/usr/share/fonts/truetype")


def fonts() -> list[Path]:
    """The fonts installed on this machine that the cards are drawn in."""
    return [FONT_DIR / f for f in FONT_FILES if (FONT_DIR / f).exists()]


@dataclass
class Identity:
    given: str
    family: str
    title: str
    organisation: str
    email: str
    phone: str  # as printed
    phone_e164: str
    region: str
    url: str
    street: str
    city: str
    handle: str = ""

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass
class Style:
    font: Path
    layout: str = "left"  # left, centre, split
    logo: bool = True
    rotation: float = 0.0
    blur: float = 0.0
    jpeg: int = 0  # JPEG quality, 0 for PNG
    table: bool = False
    dim: float = 1.0  # brightness: below 1 a photo taken in low light
    scale: float = 1.0  # below 1 a photo taken from further away (fewer pixels on the card)
    extras: dict[str, str] = field(default_factory=dict)


def identity(rng: random.Random) -> Identity:
    import unicodedata

    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    org = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS)}"

    def ascii_(text: str) -> str:
        folded = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("Ø", "O"))
        return "".join(ch for ch in folded if ch.isascii()).lower()

    domain = ascii_(org.split()[0]) + rng.choice([".com", ".example.com", ".io", ".co.uk"])
    street, city, region, phone_format = rng.choice(CITIES)
    n = rng.randrange(100, 9999)
    phone = (
        phone_format.format(n)
        if "{:02d} {:02d}" not in phone_format
        else (phone_format.format(n // 100 % 100, n % 100))
    )
    e164 = "+" + "".join(ch for ch in phone if ch.isdigit())
    return Identity(
        given=given,
        family=family,
        title=rng.choice(TITLES),
        organisation=org,
        email=f"{ascii_(given)}.{ascii_(family)}@{domain}",
        phone=phone,
        phone_e164=e164,
        region=region,
        url=f"www.{domain}",
        street=street,
        city=city,
        handle=f"@{ascii_(given)}{ascii_(family)[:3]}",
    )


def render(person: Identity, style: Style, rng: random.Random) -> bytes:
    """The card as a photo file (PNG, or JPEG at `style.jpeg` quality)."""
    width, height = 1050, 600  # 3.5 × 2 in at 300 dpi
    paper = rng.choice([(255, 255, 255), (250, 248, 240), (240, 244, 250)])
    ink = rng.choice([(20, 20, 20), (25, 40, 80), (60, 30, 30)])
    card = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(card)
    bold = FONT_DIR / BOLD.get(str(style.font.relative_to(FONT_DIR)), str(style.font))
    big = ImageFont.truetype(str(bold if bold.exists() else style.font), 54)
    mid = ImageFont.truetype(str(style.font), 34)
    small = ImageFont.truetype(str(style.font), 30)
    top = [(person.name, big), (person.title, mid), (person.organisation, mid)]
    bottom = [
        (person.email, small),
        (f"M {person.phone}", small),
        (person.url, small),
        (person.street + ", " + person.city, small),
    ]
    if style.logo:
        x0, y0 = (width - 150, 40) if style.layout != "centre" else (width // 2 - 50, 20)
        draw.ellipse((x0, y0, x0 + 100, y0 + 100), fill=rng.choice([(200, 60, 40), (40, 120, 90)]))
        draw.rectangle((x0 + 30, y0 + 30, x0 + 70, y0 + 70), fill=paper)
    y = 150 if style.layout == "centre" and style.logo else 60
    for text, font in top:
        _line(draw, text, font, y, style.layout, width, ink)
        y += font.size + 18
    y = max(y + 30, height - 4 * 44 - 30)
    for text, font in bottom:
        _line(draw, text, font, y, style.layout if style.layout != "split" else "right", width, ink)
        y += 44
    return degrade(card, style, rng)


def _line(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, y: int,
          layout: str, width: int, ink: tuple[int, int, int]) -> None:  # fmt: skip
    length = draw.textlength(text, font=font)
    x = {"centre": (width - length) / 2, "right": width - length - 60}.get(layout, 60)
    draw.text((x, y), text, font=font, fill=ink)


def degrade(card: Image.Image, style: Style, rng: random.Random) -> bytes:
    image = card
    if style.table:
        table = Image.new("RGB", (card.width + 500, card.height + 500), (120, 84, 50))
        grain = ImageDraw.Draw(table)
        for _ in range(300):
            y = rng.randrange(table.height)
            shade = rng.randrange(90, 150)
            grain.line(
                (0, y, table.width, y + rng.randrange(-20, 20)), fill=(shade, shade * 2 // 3, 40)
            )
        shadow = Image.new("RGB", card.size, (60, 40, 25))
        table.paste(shadow, (262, 262))
        table.paste(card, (250, 250))
        image = table
    if style.rotation:
        fill = (120, 84, 50) if style.table else (255, 255, 255)
        image = image.rotate(style.rotation, resample=Image.Resampling.BICUBIC, expand=True,
                             fillcolor=fill)  # fmt: skip
    if style.scale != 1.0:
        size = (round(image.width * style.scale), round(image.height * style.scale))
        image = image.resize(size, Image.Resampling.BILINEAR)
    if style.blur:
        image = image.filter(ImageFilter.GaussianBlur(style.blur))
    if style.dim != 1.0:
        from PIL import ImageEnhance

        image = ImageEnhance.Contrast(ImageEnhance.Brightness(image).enhance(style.dim)).enhance(
            0.8
        )
        noise = Image.effect_noise(image.size, 12).convert("RGB")
        image = Image.blend(image, noise, 0.08)
    out = io.BytesIO()
    if style.jpeg:
        image.save(out, format="JPEG", quality=style.jpeg)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def qr_png(*payloads: str, scale: int = 6) -> bytes:
    """A PNG with one QR code per payload, side by side."""
    import segno

    codes = []
    for payload in payloads:
        buffer = io.BytesIO()
        segno.make_qr(payload, error="m").save(buffer, kind="png", scale=scale, border=4)
        codes.append(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    width = sum(c.width for c in codes) + 40 * (len(codes) + 1)
    height = max(c.height for c in codes) + 80
    sheet = Image.new("RGB", (width, height), (255, 255, 255))
    x = 40
    for code in codes:
        sheet.paste(code, (x, 40))
        x += code.width + 40
    out = io.BytesIO()
    sheet.save(out, format="PNG")
    return out.getvalue()
