"""Photos of business cards and QR codes: decoded safely, codes read, text OCR'd, locally.

`load(data, name)` opens a JPEG, PNG, WebP, GIF, BMP or TIFF (HEIC when pillow-heif is
installed) within limits — `MAX_BYTES` of file, `MAX_PIXELS` of image (a decompression bomb
is refused before it is decoded) — and turns it upright as its EXIF says. `qr_codes(image)`
reads every QR code in it (zxing-cpp). `ocr(image)` runs Tesseract (the `tesseract` program,
on this machine only) on a cleaned-up copy — greyscale, scaled to a readable size, straightened
by up to `MAX_SKEW` degrees — and, when the text reads badly, on the copy turned 90°, 180° and
270°, keeping the best; it returns the lines with their confidence and height.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import warnings
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from kithkin.errors import InvalidInput
from kithkin.sources.card_text import Line

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_BYTES: Final = 25 * 1024 * 1024
MAX_PIXELS: Final = 50_000_000  # a 50-megapixel photo; more is refused before decoding
MAX_SKEW: Final = 10  # degrees tried either way when straightening
OCR_WIDTH: Final = 1800  # pixels across the card handed to Tesseract
OCR_TIMEOUT: Final = 60.0  # seconds for one Tesseract run
_LANGUAGES: dict[str, str] = {}  # Tesseract's program -> the model it reads cards with
GOOD_ENOUGH: Final = 0.75  # mean word confidence above which no other orientation is tried


class NoOcr(InvalidInput):
    """Tesseract is not installed: text cannot be read from a photo."""


@dataclass(frozen=True)
class OcrResult:
    lines: tuple[Line, ...]
    rotation: int  # degrees the image was turned (counter-clockwise) to read it
    skew: float  # degrees it was straightened by
    confidence: float  # mean word confidence, 0–1


def is_image(data: bytes) -> bool:
    """Whether `data` starts like an image file kithkin can open."""
    heads = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")
    if data.startswith(heads):
        return True
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return True
    return data[4:8] == b"ftyp" and data[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"hevc"}


def load(data: bytes, name: str) -> Image:
    """The image in `data`, upright, in RGB; InvalidInput (one line) for what cannot be one."""
    from PIL import Image as PILImage
    from PIL import ImageOps, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        raise InvalidInput(
            f"{name}: {len(data) // (1024 * 1024)} MB is too big for a card photo "
            f"(at most {MAX_BYTES // (1024 * 1024)} MB)"
        )
    if data[4:8] == b"ftyp":
        _register_heif(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            image = PILImage.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise InvalidInput(
                    f"{name}: {width}×{height} pixels is too big an image "
                    f"(at most {MAX_PIXELS // 1_000_000} megapixels)"
                )
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            return upright.convert("RGB")
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise InvalidInput(f"{name}: too big an image (a decompression bomb?)") from None
        except UnidentifiedImageError:
            raise InvalidInput(f"{name}: not an image kithkin can read") from None
        except (OSError, ValueError, SyntaxError) as exc:
            raise InvalidInput(f"{name}: a damaged image ({exc})") from None


def jpeg(image: Image) -> bytes:
    """The (upright) image as a JPEG, to keep what a browser cannot show (HEIC, TIFF)."""
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def _register_heif(name: str) -> None:
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        raise InvalidInput(
            f"{name}: a HEIC photo, and this kithkin cannot read HEIC "
            "(install kithkin[heic], or send the photo as JPEG)"
        ) from None
    register_heif_opener()


def qr_codes(image: Image) -> list[str]:
    """The text of each QR code in the image, top to bottom."""
    import zxingcpp

    formats = zxingcpp.BarcodeFormats(
        [zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode]
    )
    found = zxingcpp.read_barcodes(_scaled(image, 2400).convert("L"), formats=formats)
    found.sort(key=lambda b: (b.position.top_left.y, b.position.top_left.x))
    out: list[str] = []
    for code in found:
        if code.text and code.text not in out:
            out.append(code.text)
    return out


def ocr(image: Image, *, languages: str | None = None) -> OcrResult:
    """The card's lines of text (see the module's docstring); NoOcr without Tesseract."""
    from PIL import ImageFilter, ImageOps
    from PIL.Image import Resampling

    program = shutil.which("tesseract")
    if program is None:
        raise NoOcr("reading a card photo needs Tesseract (Debian: apt install tesseract-ocr)")
    langs = (
        languages or _LANGUAGES.get(program) or _LANGUAGES.setdefault(program, _languages(program))
    )
    grey = ImageOps.grayscale(image)
    small = _scaled(grey, 500)
    threshold = _otsu(small)
    card = small.point(lambda v: 255 if v > threshold else 0).filter(ImageFilter.MinFilter(5))
    card = card.filter(ImageFilter.MaxFilter(5))
    box = card.getbbox()
    if box is not None and (box[2] - box[0]) * (box[3] - box[1]) > 0.1 * small.width * small.height:
        # the card: the bright part of a photo (of a card on a table), a margin around it
        factor = grey.width / small.width
        margin = 4
        grey = grey.crop(
            (
                max(0, round((box[0] - margin) * factor)),
                max(0, round((box[1] - margin) * factor)),
                min(grey.width, round((box[2] + margin) * factor)),
                min(grey.height, round((box[3] + margin) * factor)),
            )
        )
        small = small.crop(box)
        card = card.crop(box)
    skew = _skew(small, card, threshold)
    grey = ImageOps.autocontrast(_scaled(grey, OCR_WIDTH), cutoff=1)
    if skew:
        grey = grey.rotate(skew, resample=Resampling.BICUBIC, expand=True, fillcolor=255)
    best = _read(program, grey, langs, 0, skew)
    if best.confidence < GOOD_ENOUGH or len(best.lines) < 2:
        for turn in (180, 90, 270):
            other = _read(program, grey.rotate(turn, expand=True), langs, turn, skew)
            if _quality(other) > _quality(best):
                best = other
            if best.confidence >= GOOD_ENOUGH and len(best.lines) >= 2:
                break
    return best


def _quality(result: OcrResult) -> float:
    letters = sum(sum(ch.isalnum() for ch in ln.text) for ln in result.lines)
    return result.confidence * min(letters, 200)


def _scaled(image: Image, width: int) -> Image:
    """The image scaled so its longer side is about `width` (up for small, down for huge)."""
    from PIL.Image import Resampling

    longer = max(image.size)
    if longer == 0 or 0.8 * width <= longer <= 1.25 * width:
        return image
    factor = width / longer
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Resampling.BICUBIC)


def _otsu(grey: Image) -> int:
    """The grey level that best splits the image into dark and light (Otsu's method)."""
    histogram = grey.histogram()[:256]
    total = sum(histogram)
    weighted = sum(i * n for i, n in enumerate(histogram))
    best, best_between = 127, -1.0
    dark = dark_sum = 0.0
    for level, count in enumerate(histogram):
        dark += count
        dark_sum += level * count
        light = total - dark
        if dark == 0 or light == 0:
            continue
        between = dark * light * (dark_sum / dark - (weighted - dark_sum) / light) ** 2
        if between > best_between:
            best, best_between = level, between
    return best


def _skew(small: Image, card: Image, threshold: int) -> float:
    """The angle (degrees, within ±MAX_SKEW) that makes the text lines most horizontal: the
    rotation whose rows of ink are the most uneven (a projection profile), on a small copy.
    Ink is what is dark on the card (and its edge), not the table around it."""
    from PIL import ImageChops, ImageFilter
    from PIL.Image import Resampling

    dark = small.point(lambda v: 255 if v <= threshold else 0)
    small = ImageChops.multiply(dark, card.filter(ImageFilter.MaxFilter(9)))
    best, best_score = 0.0, -1.0
    for tenth in range(-MAX_SKEW * 2, MAX_SKEW * 2 + 1):
        angle = tenth / 2
        turned = small.rotate(angle, resample=Resampling.BILINEAR, fillcolor=0)
        rows = turned.resize((1, turned.height), Resampling.BOX)  # each row's mean
        values = list(rows.tobytes())
        mean = sum(values) / len(values)
        score = sum((v - mean) ** 2 for v in values)
        if score > best_score * 1.0001:
            best, best_score = angle, score
    return best


def _languages(program: str) -> str:
    """Tesseract's model for Latin script (every language written in it, accents and all:
    Debian's tesseract-ocr-script-latn) when installed, else English."""
    try:
        out = subprocess.run(
            [program, "--list-langs"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "eng"
    have = {line.strip() for line in out.splitlines()[1:]}
    return "Latin" if "Latin" in have else "eng"


def _read(program: str, grey: Image, langs: str, rotation: int, skew: float) -> OcrResult:
    buffer = io.BytesIO()
    grey.save(buffer, format="PNG")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [program, "stdin", "stdout", "-l", langs, "--psm", "3", "tsv"],
            input=buffer.getvalue(),
            capture_output=True,
            timeout=OCR_TIMEOUT,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InvalidInput("Tesseract took too long to read the photo") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InvalidInput(f"Tesseract could not read the photo: {message[-1] if message else ''}")
    return _parse_tsv(done.stdout.decode("utf-8", "replace"), rotation, skew)


def _parse_tsv(tsv: str, rotation: int, skew: float) -> OcrResult:
    rows: dict[tuple[int, int, int, int], list[tuple[int, int, str, float, int]]]
    rows = defaultdict(list)
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        conf = float(cols[10])
        if not text or conf < 0:
            continue
        key = (int(cols[1]), int(cols[2]), int(cols[3]), int(cols[4]))
        left, width, height = int(cols[6]), int(cols[8]), int(cols[9])
        rows[key].append((left, left + width, text, conf / 100, height))
    lines: list[Line] = []
    confidences: list[float] = []
    for key in sorted(rows):
        for words in _columns(sorted(rows[key])):
            text = " ".join(w[2] for w in words)
            if not any(ch.isalnum() for ch in text):
                continue
            conf = sum(w[3] for w in words) / len(words)
            height = sorted(w[4] for w in words)[len(words) // 2]
            confidences.extend(w[3] for w in words)
            lines.append(Line(text, round(conf, 3), float(height)))
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrResult(tuple(lines), rotation, skew, round(mean, 3))


def _columns(
    words: list[tuple[int, int, str, float, int]],
) -> list[list[tuple[int, int, str, float, int]]]:
    """A line's words cut where a wide gap parts them (a logo beside the name, two columns)."""
    out: list[list[tuple[int, int, str, float, int]]] = [[words[0]]]
    for word in words[1:]:
        last = out[-1][-1]
        if word[0] - last[1] > 2.5 * max(last[4], word[4], 1):
            out.append([word])
        else:
            out[-1].append(word)
    return out
