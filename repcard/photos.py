"""Phone-sized renditions of an exercise photo: WebP at a few widths, metadata stripped.

`renditions(data)` is pure: bytes in, renditions (or a problem message) out, the same
bytes every time. `RenditionCache` keeps its results between builds, keyed by the
photo's content and the processing settings, as Hugo's resources/_gen does; and
`renditions_many` runs the cache misses of a whole library on every core.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import json
import math
import multiprocessing
import os
import re
import signal
import struct
import sys
import threading
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import PIL
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .write import clear_killed_writes, whole_file

# Widths in CSS pixels x device pixels that phones ask for: 360 for a 1x screen or a
# half-width column, 720 for the common 2x. Every current phone engine reads WebP
# (Safari since iOS 14, Chrome, Firefox, Samsung Internet), so no JPEG fallback.
WIDTHS = (360, 720)
QUALITY = 75
# libwebp's effort, 0-6. Measured on free-exercise-db's photos (python -m bench.photos
# --settings): 2 encodes both widths in half the CPU time of 4 (24 against 52 ms a photo)
# for 3-4% more bytes (9.2 against 8.9 KB at 360 px): a cold library build is mostly this.
METHOD = 2
# What a photo may cost a phone on a weak signal: its 360 px rendition is at most this many
# bytes. A busy photo over it is encoded again at a lower quality, step by step, never below
# the floor (on free-exercise-db's 1,746 photos, 30 were over it at QUALITY; the worst fits at
# 40, where the pose, the hands and the equipment still read clearly at 360 and 720 px wide).
BYTE_BUDGET = 20_000
BUDGET_WIDTH = WIDTHS[0]
QUALITY_FLOOR, QUALITY_STEP = 40, 5
FORMATS = ("JPEG", "PNG", "WEBP")  # Pillow's names; a phone's JPEG may open as "MPO", a JPEG too
READABLE = "JPEG, PNG or WebP"
MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
# Everything that changes the output bytes: a cache entry made with other settings
# (or another Pillow, hence another libwebp) is never served. Bump "v1" when the
# processing below changes.
VERSION = (f"repcard-photos v1; widths {WIDTHS}; webp q{QUALITY} m{METHOD}; "
           f"{BYTE_BUDGET} B at {BUDGET_WIDTH} px down to q{QUALITY_FLOOR} by {QUALITY_STEP}; Pillow {PIL.__version__}")

_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Rendition:
    """A photo at one width, as WebP: its bytes, or the cache's file that holds them."""

    width: int
    height: int
    digest: bytes  # sha256 of the WebP
    webp: bytes | None = None  # the bytes, when no cache holds them
    file: Path | None = None  # the cache's file: the site links to it instead of copying

    @property
    def data(self) -> bytes:
        return self.webp if self.webp is not None else self.file.read_bytes()

    @staticmethod
    def of(width: int, height: int, webp: bytes) -> Rendition:
        return Rendition(width, height, hashlib.sha256(webp).digest(), webp)


Renditions = tuple[Rendition, ...]


def renditions(data: bytes) -> Renditions | str:
    """The photo at each of WIDTHS it is at least as wide as (never upscaled; a photo
    narrower than the widest gets one at its own width too), or what is wrong with it:
    a message to put after `path:line: `.

    EXIF orientation is applied and every piece of metadata (EXIF with its GPS
    position, XMP, comments, the ICC profile once the pixels are in sRGB) is left out.
    """
    if len(data) > MAX_BYTES:
        return f"is {_rounded_up(len(data) / 2**20)} MB; expected at most {MAX_BYTES // 2**20} MB"
    try:
        with warnings.catch_warnings():
            # Pillow warns above 89 megapixels and refuses above twice that; both are
            # refusals here, with the message below, never a warning on the console.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _renditions(data)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        found = re.search(r"\((\d+) pixels\)", str(error))  # Pillow's message is all that has the size
        return _too_many_pixels(int(found[1]) if found else None)
    except UnidentifiedImageError:
        return f"is not an image Pillow can read ({READABLE})"
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, MemoryError) as error:
        # Truncated or damaged files fail while decoding, after the header was read.
        return f"is a damaged or unsupported image ({READABLE}): {error}"
    except Exception as error:  # noqa: BLE001 - a crafted file can trip any decoder check
        return f"is a damaged or unsupported image ({READABLE}): {type(error).__name__}: {error}"


def _too_many_pixels(pixels: int | None) -> str:
    size = _rounded_up(pixels / 1e6) if pixels else f"over {MAX_PIXELS // 10**6}"
    return f"is {size} megapixels; expected at most {MAX_PIXELS // 10**6}"


def _rounded_up(value: float) -> str:
    """One decimal, rounded up so a size just over a limit never reads as the limit."""
    return f"{math.ceil(value * 10) / 10:.1f}".removesuffix(".0")


def _renditions(data: bytes) -> Renditions | str:
    image = Image.open(io.BytesIO(data), formats=FORMATS)
    if image.width * image.height > MAX_PIXELS:
        return _too_many_pixels(image.width * image.height)
    turned = image.getexif().get(0x0112) in (5, 6, 7, 8)  # orientations that swap the sides
    shown_width, shown_height = (image.height, image.width) if turned else image.size
    widths = _widths(shown_width)
    if image.format in ("JPEG", "MPO") and widths[-1] < shown_width:
        # Decode at 1/2, 1/4 or 1/8 of the size straight from the JPEG's DCT: much
        # faster, and the result is still at least as large as the widest rendition.
        scale = widths[-1] / shown_width
        image.draft(image.mode, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    icc = image.info.get("icc_profile")
    image = _plain_mode(_srgb(ImageOps.exif_transpose(image), icc))
    results = []
    current = image
    for width in reversed(widths):  # widest first: each next one is made from the previous
        # The height from the photo's own sides: a draft may have rounded them up.
        height = max(1, round(width * shown_height / shown_width))
        if current.size != (width, height):
            current = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        results.append(Rendition.of(width, height, _webp(current, BYTE_BUDGET if width <= BUDGET_WIDTH else None)))
    return tuple(reversed(results))


def _widths(shown_width: int) -> tuple[int, ...]:
    """WIDTHS up to the photo's own; then the photo's own width when it is narrower
    than the widest: a 700 px photo gives 360 and 700, a 200 px one just 200."""
    if shown_width >= WIDTHS[-1]:
        return WIDTHS
    return tuple(w for w in WIDTHS if w < shown_width) + (shown_width,)


def _plain_mode(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the photo has any transparency (WebP keeps it)."""
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit PNG: scale to 8 bits
        image = image.point(lambda v: v / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        image = image.convert("RGBA")
        if image.getchannel("A").getextrema() == (255, 255):
            image = image.convert("RGB")  # an alpha channel with nothing in it
        return image
    return image.convert("RGB") if image.mode != "RGB" else image


def _srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Pixels in sRGB, the profile web pages assume, so no profile needs to ship: a
    phone's Display P3, a camera's Adobe RGB or a print photo's CMYK converted."""
    if not icc or image.mode not in ("RGB", "RGBA", "L", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGBA" if image.mode == "RGBA" else "RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: the pixels as they are, as a browser would show them


def _webp(image: Image.Image, budget: int | None = None) -> bytes:
    """The image as WebP at QUALITY, or at the highest quality down to the floor that keeps it
    within `budget` bytes (the floor's when none does)."""
    for quality in range(QUALITY, QUALITY_FLOOR - 1, -QUALITY_STEP):
        out = io.BytesIO()
        # Only what is passed here is written: no exif, xmp or icc_profile, so none.
        image.save(out, "WEBP", quality=quality, method=METHOD)
        if budget is None or out.tell() <= budget:
            break
    return out.getvalue()


# --- the cache between builds -----------------------------------------------------------

_FORMAT = "repcard renditions 2"


class RenditionCache:
    """Renditions kept in `folder` between builds, named by a hash of the photo's bytes
    and VERSION: an edited photo or new settings is a new name, so nothing stale is
    ever served. A photo's entry is a WebP file per width (`<key>-360.webp`), which
    a site hard-links rather than copies, and an index (`<key>.json`) naming their
    sizes and digests, written last.

    Every file is written to a temporary name and renamed into place, so two builds at
    once, or a build killed mid-write, leave whole entries or none. The files are made
    read-only, as a site shares them; one changed anyway (an edit through the site's
    link, a copy over it) no longer has the size and time stamp the index holds, and
    the entry is made again. (Checking them by reading every file back, as the first
    version did, was a sixth of a warm build of a large library.) Failing to write only
    costs the next build time: the first failure is kept in `write_error` for the
    caller to mention.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.write_error: str | None = None

    @staticmethod
    def key(data: bytes) -> str:
        return hashlib.sha256(VERSION.encode() + b"\0" + data).hexdigest()

    def path(self, key: str) -> Path:
        """The entry's index."""
        return self.folder / f"{key}.json"

    def webp_path(self, key: str, width: int) -> Path:
        return self.folder / f"{key}-{width}.webp"

    @staticmethod
    def keys_of(results: list[Renditions | str]) -> set[str]:
        """The entries renditions_many's `results` were read from or stored in."""
        return {r.file.name.split("-")[0] for result in results if not isinstance(result, str)
                for r in result if r.file}

    def renditions(self, data: bytes) -> Renditions | str:
        key = self.key(data)
        cached = self.get(key)
        if cached is not None:
            return cached
        result = renditions(data)
        if isinstance(result, str):  # problems are cheap to find again, and not stored
            return result
        return self.put(key, result) or result

    def get(self, key: str) -> Renditions | None:
        """The entry's renditions as the cache's files, each as the index says it was written."""
        try:
            index = json.loads(self.path(key).read_bytes())
            if index["format"] != _FORMAT:
                return None
            found = []
            for width, height, digest, written in index["renditions"]:
                file = self.webp_path(key, int(width))
                if _stamp(file) != written:
                    return None
                found.append(Rendition(int(width), int(height), bytes.fromhex(digest), file=file))
            return tuple(found) or None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, result: Renditions) -> Renditions | None:
        """Store `result`; return it as the cache's files, or None if it could not be stored."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            written = [self._write(self.webp_path(key, r.width), r.data) for r in result]
            index = {"format": _FORMAT,
                     "renditions": [[r.width, r.height, r.digest.hex(), w] for r, w in zip(result, written)]}
            self._write(self.path(key), json.dumps(index).encode())
        except OSError as error:
            self.write_error = self.write_error or (f"{self.folder}: cannot write the photo cache: "
                                                    f"{error.strerror or error}; photos are processed again next build")
            return None
        return tuple(Rendition(r.width, r.height, r.digest, file=self.webp_path(key, r.width)) for r in result)

    def _write(self, path: Path, data: bytes) -> list[int]:
        """Write `path` whole and read-only; return its stamp."""
        whole_file(path, data, 0o444)
        return _stamp(path)

    def prune(self, used_keys: set[str], older_than: float = 3600, unused_for: float = 30 * 86400) -> int:
        """Delete the files that are not of an entry in `used_keys` (another format's too)
        and that no build has read or written for `unused_for` seconds; a file whose name is no
        entry's (no key of 64 hex digits) is not the cache's to delete, whatever the folder
        holds (`--cache ~` made old files in ~/photos go). Other content folders
        may share the cache (their entries are read, and their indexes' access times move,
        when those folders are built) and an entry being written has young files. Also the
        temporary files a killed build left (older than `older_than` seconds: a younger one
        may be another build's). Returns how many files went."""
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return 0
        now = time.time()
        keep = set(used_keys)
        for entry in entries:  # an entry whose index was read lately is kept whole
            key, _, suffix = entry.name.partition(".")
            if suffix == "json" and key not in keep and idle(entry, now) < unused_for:
                keep.add(key)
        removed = 0
        for entry in entries:
            name = entry.name
            ours = name.endswith((".json", ".webp")) and name.split(".")[0].split("-")[0] in keep
            if (_ENTRY_NAME.match(name) and not ours and idle(entry, now) >= unused_for
                    and entry.is_file(follow_symlinks=False)):
                with _quiet():
                    os.unlink(entry.path)
                    removed += 1
        return removed + clear_killed_writes(self.folder, older_than)


_ENTRY_NAME = re.compile(r"[0-9a-f]{64}[-.]")  # an entry's index, rendition or earlier format: key.json, key-360.webp


def _stamp(path: Path) -> list[int]:
    """What changes when a file is written: its size, its time stamp and which file it is."""
    found = os.stat(path)
    return [found.st_size, found.st_mtime_ns, found.st_ino]


def idle(entry: os.DirEntry, now: float) -> float:
    """Seconds since the file was last read or written (reads move the access time at
    most daily on most mounts, never on `noatime` ones: then since it was written)."""
    try:
        found = entry.stat(follow_symlinks=False)
    except OSError:
        return 0
    return now - max(found.st_atime, found.st_mtime)


class _quiet:
    """Ignore OSError: for clean-ups that may race with another build."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        return kind is not None and issubclass(kind, OSError)


# --- a whole library on every core ---------------------------------------------------------


def renditions_many(items: list[bytes | Path], cache: RenditionCache | None, workers: int) -> list[Renditions | str]:
    """renditions() of every item (a photo's bytes, or a path to read it from), in input
    order; cache hits are read, misses processed on `workers` processes and stored.

    Paths keep the parent's memory small: a photo is read, hashed and let go, and read
    again by the worker that processes it.
    """
    results: list[Renditions | str | None] = [None] * len(items)
    misses: list[int] = []
    for i, item in enumerate(items):
        if cache is not None:
            data = _read(item)
            if isinstance(data, str):
                results[i] = data
                continue
            results[i] = cache.get(cache.key(data))
        if results[i] is None:
            misses.append(i)
    for i, (key, result) in zip(misses, _process([items[i] for i in misses], workers)):
        results[i] = result
        if cache is not None and not isinstance(result, str):
            # Stored under the key of the bytes the worker read: a file edited since the
            # look-up above is stored as what it now is, never under its old content.
            results[i] = cache.put(key, result) or result
    return results


def _read(item: bytes | Path) -> bytes | str:
    if isinstance(item, bytes):
        return item
    try:
        return item.read_bytes()
    except OSError as error:
        return f"cannot read the file: {error.strerror or error}"


def _process_one(item: bytes | Path) -> tuple[str, Renditions | str]:
    """The cache key of the bytes read, and their renditions."""
    data = _read(item)
    if isinstance(data, str):
        return "", data
    return RenditionCache.key(data), renditions(data)


def _process(items: list[bytes | Path], workers: int) -> list[tuple[str, Renditions | str]]:
    workers = min(workers, len(items))
    if workers < 2:
        return [_process_one(item) for item in items]
    # Forking a process that runs other threads (the dev server's) can copy a lock one
    # of them holds; then a fresh interpreter is started instead, slower to start only.
    method = "fork" if threading.active_count() == 1 and sys.platform == "linux" else "spawn"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                             initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
        return list(pool.map(_process_one, items, chunksize=max(1, min(8, len(items) // (4 * workers)))))


def _die_with_parent(parent: int) -> None:
    """In each worker: be killed when the build that started it dies, even by SIGKILL,
    so no orphan keeps encoding photos for nobody."""
    if sys.platform != "linux":
        return
    PR_SET_PDEATHSIG = 1
    with _quiet():
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

